using System.Text.RegularExpressions;

namespace Orchestrator.Console.Tests;

/// <summary>
/// A check the policy waives, on the run page: console.v1.json bounds mean average precision, which a single-label model
/// cannot be measured against, and waives that check with a reason. The evaluation gate's row shows the bound, that
/// nothing was measured, the outcome "waived" and the policy's reason, and the page passes axe-core.
/// </summary>
[Collection(SharedConsole.Name)]
public sealed partial class WaivedCheckTests(ConsoleBrowser console)
{
    [Fact]
    public async Task RunPage_PolicyWaivesUnmeasurableCheck_ShowsWaivedWithReasonBesideBound()
    {
        var dave = await console.SignInAsync("dave");
        (await console.GotoAsync(dave, $"/console/runs/{console.RunId}")).Status.ShouldBe(200);

        var gate = dave.GetByTestId("gate-evaluation");
        var row = gate.Locator("tbody tr", new() { Has = dave.Locator("th", new() { HasTextRegex = CheckName() }) });
        (await row.CountAsync()).ShouldBe(1, await gate.InnerTextAsync());
        var cells = await row.Locator("td").AllInnerTextsAsync();
        cells[0].ShouldBe("not measured");
        cells[1].ShouldBe("at least 0.5");
        cells[2].ShouldBe("waived");
        (await row.GetByTestId("waiver").InnerTextAsync())
            .ShouldBe("Waived by the policy: single-label shapes: mean average precision is a multi-label measure, judged by accuracy and macro F1 here");
        // A waived check does not fail the gate, and a waiver never turns a measured check into "waived".
        (await dave.Locator("section[aria-labelledby=gates-heading] h3", new() { HasText = "Evaluation gate" }).InnerTextAsync()).ShouldContain("passed");
        (await gate.Locator("span.badge.waived").CountAsync()).ShouldBe(1);
        await ConsoleBrowser.ExpectAccessibleAsync(dave);
        await console.ScreenshotAsync(row, "run-waived-check");
    }

    [GeneratedRegex("^mean-average-precision$")]
    private static partial Regex CheckName();
}
