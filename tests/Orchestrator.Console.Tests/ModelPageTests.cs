using Microsoft.Playwright;

namespace Orchestrator.Console.Tests;

/// <summary>The model page: versions and drift over time from the ledger; an approver stops and resumes serving, a refusal is explained, an auditor cannot operate.</summary>
[Collection(SharedConsole.Name)]
public sealed class ModelPageTests(ConsoleBrowser console)
{
    [Fact]
    public async Task Model_DriftMeasurements_AreChartedOverTime()
    {
        await LedgerFacts.DriftedModelAsync(console.Service, "console-drifted", [0.04, 0.06, 0.05, 0.12, 0.33]);
        var dave = await console.SignInAsync("dave");

        await console.GotoAsync(dave, "/console/models/console-drifted");

        (await dave.Locator("svg.chart circle").CountAsync()).ShouldBe(5);
        (await dave.Locator("svg.chart title").TextContentAsync())!.ShouldContain("psi-intensity of version 1");
        (await dave.Locator("#drift-heading + h3").InnerTextAsync()).ShouldContain("5 measurements, 1 detections");
        (await dave.GetByTestId("operate-stop").CountAsync()).ShouldBe(0);
        await ConsoleBrowser.ExpectAccessibleAsync(dave);
        await console.ScreenshotAsync(dave, "model-drift");
    }

    [Fact]
    public async Task Model_ApproverStopsAndResumes_EachRecordedAndASecondStopRefused()
    {
        var bob = await console.SignInAsync("bob");
        await console.GotoAsync(bob, $"/console/models/{console.Model}");
        (await bob.GetByTestId("versions").InnerTextAsync()).ShouldContain(console.RunId);

        await OperateAsync(bob, "stop", "bob: emergency stop from the console");
        (await bob.GetByTestId("recorded").InnerTextAsync()).ShouldContain($"model-{console.Model}@");
        (await bob.GetByTestId("serving").InnerTextAsync()).ShouldContain("bob: emergency stop from the console");

        await OperateAsync(bob, "stop", "again");
        (await bob.GetByTestId("refusal").InnerTextAsync()).ShouldContain("already stopped");
        await ConsoleBrowser.ExpectAccessibleAsync(bob);
        await console.ScreenshotAsync(bob, "model-operate");

        await OperateAsync(bob, "resume", "bob: resumed after checking");
        (await bob.GetByTestId("serving").InnerTextAsync()).ShouldContain("serving");
        (await bob.GetByTestId("serving").InnerTextAsync()).ShouldNotContain("stopped");
    }

    private static async Task OperateAsync(IPage page, string operation, string reason)
    {
        await page.Locator($"#reason-{operation}").FillAsync(reason);
        await page.GetByTestId($"operate-{operation}").ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.Load);
    }
}
