using System.IO.Compression;
using Microsoft.Playwright;

namespace Orchestrator.Console.Tests;

/// <summary>
/// dave (auditor) verifies the ledger, replays a run's state, exports a bundle and downloads it with the public key; then an
/// entry changed behind the ledger's back is named as the first broken one.
/// </summary>
[Collection(SharedConsole.Name)]
public sealed class AuditPageTests(ConsoleBrowser console)
{
    [Fact]
    public async Task Audit_DaveVerifiesReplaysExportsWithThePublicKey_ThenATamperedEntryIsNamed()
    {
        var dave = await console.SignInAsync("dave");
        await console.GotoAsync(dave, "/console/audit");
        await dave.GetByTestId("verify").ClickAsync();
        var verification = await dave.GetByTestId("verification").InnerTextAsync();
        verification.ShouldMatch("(verified|unanchored-tail)");
        verification.ShouldContain("streams re-hashed");
        await ConsoleBrowser.ExpectAccessibleAsync(dave);
        await console.ScreenshotAsync(dave, "audit-verified");

        await console.GotoAsync(dave, $"/console/audit?stream=run-{console.RunId}");
        (await dave.GetByTestId("state").InnerTextAsync()).ShouldContain("\"requestedBy\": \"alice\"");
        await console.GotoAsync(dave, $"/console/audit?stream=run-{console.RunId}&at=2000-01-01T00:00:00");
        (await dave.Locator("[role=alert]").InnerTextAsync()).ShouldContain("Nothing was recorded");

        await console.GotoAsync(dave, "/console/audit");
        await dave.GetByLabel("Streams (space-separated; empty for the whole ledger)").FillAsync($"run-{console.RunId}");
        await dave.GetByTestId("export").ClickAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (await dave.GetByTestId("bundle").CountAsync() == 0)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, await dave.GetByTestId("export-status").InnerTextAsync());
            await Task.Delay(300, TestContext.Current.CancellationToken);
            await dave.GetByTestId("refresh-export").ClickAsync();
        }

        await console.ScreenshotAsync(dave, "audit-export");
        var bundle = await dave.RunAndWaitForDownloadAsync(() => dave.GetByTestId("bundle").ClickAsync());
        var bundlePath = Path.Combine(console.Screenshots, "bundle.zip");
        await bundle.SaveAsAsync(bundlePath);
        using (var zip = ZipFile.OpenRead(bundlePath))
        {
            zip.Entries.ShouldNotBeEmpty();
        }

        var key = await dave.RunAndWaitForDownloadAsync(() => dave.GetByTestId("public-key").ClickAsync());
        var keyPath = Path.Combine(console.Screenshots, "public-key.pem");
        await key.SaveAsAsync(keyPath);
        (await File.ReadAllTextAsync(keyPath, TestContext.Current.CancellationToken)).ShouldStartWith("-----BEGIN PUBLIC KEY-----");

        // Last: a tampered entry fails every later verification of the whole ledger, and no other test verifies it.
        var stream = await LedgerFacts.DriftedModelAsync(console.Service, "console-tampered", [0.05, 0.07, 0.31]);
        await LedgerFacts.TamperAsync(console.Service, stream, 3);
        await console.GotoAsync(dave, "/console/audit");
        await dave.GetByLabel("One stream (leave empty for the whole ledger)").FillAsync(stream);
        await dave.GetByTestId("verify").ClickAsync();

        (await dave.GetByTestId("verification").InnerTextAsync()).ShouldContain("failed");
        var first = await dave.GetByTestId("first-failure").InnerTextAsync();
        first.ShouldContain(stream);
        first.ShouldContain("3");
        await ConsoleBrowser.ExpectAccessibleAsync(dave);
        await console.ScreenshotAsync(dave, "audit-tampered");
    }
}
