using System.Net;
using System.Net.Http.Headers;
using Microsoft.Playwright;
using Orchestrator.Api.Http;
using Orchestrator.Api.Identity;
using Orchestrator.Client;

namespace Orchestrator.Console.Tests;

/// <summary>The console's edges: sign-in required, the headers, antiforgery, and sessions and tokens kept apart.</summary>
[Collection(SharedConsole.Name)]
public sealed class SessionSecurityTests(ConsoleBrowser console)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Console_WithoutSession_RedirectsToSignIn()
    {
        using var client = Plain();

        using var response = await client.GetAsync($"/console/runs/{console.RunId}", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldContain("/console/sign-in?returnUrl=%2Fconsole%2Fruns%2F");
    }

    [Fact]
    public async Task Console_Pages_CarryAStrictPolicyAndTheSecurityHeaders()
    {
        using var client = Plain();

        using var response = await client.GetAsync("/console/sign-in", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldBe(SecurityHeaders.ConsolePolicy);
        SecurityHeaders.ConsolePolicy.ShouldContain("script-src 'none'");
        response.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        (await response.Content.ReadAsStringAsync(Token)).ShouldNotContain("<script");
    }

    [Fact]
    public async Task Console_BearerToken_DoesNotOpenAPage()
    {
        using var client = Plain();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", console.TokenFor("bob", Roles.Approver));

        using var response = await client.GetAsync("/console/approvals", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Console_Session_DoesNotCallTheApi()
    {
        var bob = await console.SignInAsync("bob");

        var response = await bob.APIRequest.GetAsync("/api/approvals/pending");

        response.Status.ShouldBe(401);
    }

    [Fact]
    public async Task Console_PostWithoutAntiforgeryToken_IsRefusedAndRecordsNothing()
    {
        var bob = await console.SignInAsync("bob");

        var response = await bob.APIRequest.PostAsync($"/console/runs/{console.RunId}?handler=Decide", new APIRequestContextOptions
        {
            Form = bob.APIRequest.CreateFormData().Set("decision", "reject").Set("reason", "forged").Set("evidenceDigest", "sha256:" + new string('0', 64)).Set("key", "forged"),
        });

        response.Status.ShouldBe(400);
    }

    [Fact]
    public async Task Console_SignedInPerson_WithoutTheRole_IsDeniedThePage()
    {
        var dave = await console.SignInAsync("dave");

        var response = await console.GotoAsync(dave, "/console/approvals");

        response.Status.ShouldBe(403);
        (await dave.Locator("[role=alert]").InnerTextAsync()).ShouldContain("Your roles do not allow this page");
    }

    private HttpClient Plain() => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = console.Service.Address };
}
