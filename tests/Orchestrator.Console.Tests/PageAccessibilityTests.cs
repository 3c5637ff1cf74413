using Microsoft.Playwright;

namespace Orchestrator.Console.Tests;

/// <summary>
/// The pages the flows above do not check with axe-core: the sign-in pages, the sign-out page, the models list and the page
/// that refuses a role. Each loads (a 200, or the 403 the roles call for) and has no serious or critical violation.
/// </summary>
[Collection(SharedConsole.Name)]
public sealed class PageAccessibilityTests(ConsoleBrowser console)
{
    [Fact]
    public async Task SignInPages_SignedOut_LoadAndPassAxe()
    {
        var context = await console.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = console.Service.Address.ToString() });
        var page = await context.NewPageAsync();

        foreach (var path in new[] { "/console/sign-in", "/console/sign-in/development" })
        {
            (await console.GotoAsync(page, path)).Status.ShouldBe(200, path);
            await ConsoleBrowser.ExpectAccessibleAsync(page);
        }

        await context.DisposeAsync();
    }

    [Fact]
    public async Task SignOut_SignedIn_EndsSessionAndPassesAxe()
    {
        var carol = await console.SignInAsync("carol");

        await carol.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await carol.WaitForURLAsync("**/console/sign-out");

        (await carol.Locator("h1").InnerTextAsync()).ShouldBe("Signed out");
        (await carol.GetByTestId("signed-in-user").CountAsync()).ShouldBe(0);
        await ConsoleBrowser.ExpectAccessibleAsync(carol);
        // The session is gone: a page that needs one sends the person to sign in again.
        await console.GotoAsync(carol, "/console/approvals");
        carol.Url.ShouldContain("/console/sign-in?returnUrl=");
    }

    [Fact]
    public async Task ModelsListAndRefusal_Auditor_LoadAndPassAxe()
    {
        var dave = await console.SignInAsync("dave");

        (await console.GotoAsync(dave, "/console/models")).Status.ShouldBe(200);
        (await dave.Locator("main").InnerTextAsync()).ShouldContain(console.Model);
        await ConsoleBrowser.ExpectAccessibleAsync(dave);

        // dave audits: the approvals inbox is not his, and the page says so.
        (await console.GotoAsync(dave, "/console/approvals")).Status.ShouldBe(403);
        await ConsoleBrowser.ExpectAccessibleAsync(dave);
    }
}
