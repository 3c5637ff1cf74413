using Microsoft.Playwright;

namespace Orchestrator.Console.Tests;

/// <summary>
/// The console end to end in a real browser, on one governed run: bob finds it in his inbox, reads the evidence and
/// approves; alice, who requested it, is refused with the reason; carol completes the quorum. Every page passes axe-core.
/// </summary>
[Collection(SharedConsole.Name)]
public sealed class ApprovalFlowTests(ConsoleBrowser console)
{
    [Fact]
    public async Task Approvals_BobApprovesAliceIsRefusedCarolCompletesQuorum()
    {
        var bob = await console.SignInAsync("bob");
        await ConsoleBrowser.ExpectAccessibleAsync(bob);
        await console.ScreenshotAsync(bob, "overview");

        await console.GotoAsync(bob, "/console/approvals");
        var row = bob.Locator($"tr[data-run='{console.RunId}']");
        (await row.CountAsync()).ShouldBe(1);
        (await row.InnerTextAsync()).ShouldContain("You may sign");
        (await row.InnerTextAsync()).ShouldContain("alice");
        await ConsoleBrowser.ExpectAccessibleAsync(bob);
        await console.ScreenshotAsync(bob, "approvals-inbox");

        await row.GetByRole(AriaRole.Link, new() { Name = console.RunId }).ClickAsync();
        await bob.WaitForURLAsync($"**/console/runs/{console.RunId}");
        (await bob.Locator("h1").First.InnerTextAsync()).ShouldStartWith("Run", customMessage: await bob.Locator("body").InnerTextAsync());
        var evidence = await bob.GetByTestId("evidence-digest").InnerTextAsync();
        evidence.ShouldStartWith("sha256:");
        var evaluationGate = bob.GetByTestId("gate-evaluation");
        (await evaluationGate.InnerTextAsync()).ShouldContain("accuracy");
        // Each check shows its measured value, the policy's bound and its outcome: accuracy against "at least 0.5" (console.v1.json).
        var accuracy = evaluationGate.Locator("tbody tr", new() { Has = bob.Locator("th", new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^accuracy$") }) }).First;
        var cells = await accuracy.Locator("td").AllInnerTextsAsync();
        double.Parse(cells[0], System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(0.5, 1.0);
        cells[1].ShouldBe("at least 0.5");
        cells[2].ShouldBe("passed");
        (await bob.GetByTestId("gate-quality-control").InnerTextAsync()).ShouldContain("krippendorff-alpha");
        (await bob.GetByTestId("metrics").InnerTextAsync()).ShouldContain("Accuracy");
        (await bob.GetByTestId("model-card").InnerTextAsync()).ShouldContain("Intended use");
        await ExpectPlotsLoadedAsync(bob);
        await ConsoleBrowser.ExpectAccessibleAsync(bob);
        await console.ScreenshotAsync(bob, "run-evidence", fullPage: false);
        await console.ScreenshotAsync(bob.Locator("section[aria-labelledby=gates-heading]"), "run-gates");
        await console.ScreenshotAsync(bob.Locator(".plots"), "run-plots");

        await SignAsync(bob, "approve", "bob: reviewed the evidence report; gates passed");
        (await bob.GetByTestId("signed").InnerTextAsync()).ShouldContain($"run-{console.RunId}@");
        (await bob.GetByTestId("quorum").InnerTextAsync()).ShouldContain("1 of 2");

        var alice = await console.SignInAsync("alice");
        await console.GotoAsync(alice, $"/console/runs/{console.RunId}");
        (await alice.GetByTestId("eligibility").InnerTextAsync()).ShouldContain("requested this run");
        await SignAsync(alice, "approve", "I trained it, it is fine");
        (await alice.GetByTestId("refusal").InnerTextAsync()).ShouldContain("Separation of duties");
        await ConsoleBrowser.ExpectAccessibleAsync(alice);
        await console.ScreenshotAsync(alice, "run-refused-requester", fullPage: false);

        var carol = await console.SignInAsync("carol");
        await console.GotoAsync(carol, "/console/approvals");
        (await carol.Locator($"tr[data-run='{console.RunId}']").InnerTextAsync()).ShouldContain("bob: approve");
        await console.GotoAsync(carol, $"/console/runs/{console.RunId}");
        await SignAsync(carol, "approve", "carol: second review of the same evidence");
        (await carol.GetByTestId("signed").InnerTextAsync()).ShouldContain("@");
        await WaitForStageAsync(carol, stage => stage != "awaiting-approval");
        (await carol.GetByTestId("timeline").InnerTextAsync()).ShouldContain("quorum reached: bob, carol");
        await console.ScreenshotAsync(carol.Locator("section[aria-labelledby=timeline-heading]"), "run-timeline");
    }

    private static async Task SignAsync(IPage page, string decision, string reason)
    {
        await page.GetByLabel(decision == "approve" ? "Approve" : "Reject", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Reason").FillAsync(reason);
        await page.GetByTestId("sign").ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.Load);
    }

    /// <summary>Every plot image of the evidence was served and decoded (naturalWidth is 0 for a broken image).</summary>
    private static async Task ExpectPlotsLoadedAsync(IPage page)
    {
        var images = page.Locator(".plots img");
        (await images.CountAsync()).ShouldBe(3);
        foreach (var image in await images.AllAsync())
        {
            (await image.EvaluateAsync<int>("img => img.complete ? img.naturalWidth : -1")).ShouldBeGreaterThan(0);
        }
    }

    /// <summary>Reloads the run page until its stage satisfies <paramref name="done"/> (the workflow confirms signatures asynchronously).</summary>
    private static async Task WaitForStageAsync(IPage page, Func<string, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!done((await page.GetByTestId("run-stage").InnerTextAsync())!))
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the run stayed at its stage");
            await Task.Delay(500, TestContext.Current.CancellationToken);
            await page.ReloadAsync();
        }
    }
}
