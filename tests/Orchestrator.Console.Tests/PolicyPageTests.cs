namespace Orchestrator.Console.Tests;

/// <summary>The policies page lists every version and shows the line diff between two.</summary>
[Collection(SharedConsole.Name)]
public sealed class PolicyPageTests(ConsoleBrowser console)
{
    [Fact]
    public async Task Policies_CompareTwoVersions_ShowsTheChangedLines()
    {
        var dave = await console.SignInAsync("dave");
        await console.GotoAsync(dave, "/console/policies");
        (await dave.GetByTestId("policies").InnerTextAsync()).ShouldContain("console/v1");

        await dave.GetByLabel("From").SelectOptionAsync("demo/v1");
        await dave.GetByLabel("To").SelectOptionAsync("console/v1");
        await dave.GetByTestId("compare").ClickAsync();

        var diff = await dave.GetByTestId("diff").InnerTextAsync();
        diff.ShouldContain("-   \"name\": \"demo\"");
        diff.ShouldContain("+   \"name\": \"console\"");
        diff.ShouldContain("-     \"minAccuracy\": 0.85");
        diff.ShouldContain("+     \"minAccuracy\": 0.5");
        await ConsoleBrowser.ExpectAccessibleAsync(dave);
        await console.ScreenshotAsync(dave, "policies-diff");
    }
}
