using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;

namespace Orchestrator.Console.Tests;

/// <summary>
/// An identity provider's discovery document served on 127.0.0.1 (nothing else of a provider: the console only reads
/// where to send the person), and the service outside Development configured to sign people in with it.
/// </summary>
public sealed class OidcService : IAsyncLifetime
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _serving = Task.CompletedTask;

    public string Authority { get; } = $"http://127.0.0.1:{FreePort()}";

    public string AuthorizationEndpoint => Authority + "/authorize";

    public ConsoleService Service { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _listener.Prefixes.Add(Authority + "/");
        _listener.Start();
        _serving = ServeAsync();
        Service = new ConsoleService("Testing", new Dictionary<string, string>
        {
            ["Orchestrator:Console:Authority"] = Authority,
            ["Orchestrator:Console:ClientId"] = "orchestrator-console",
            ["Orchestrator:Console:RequireHttpsMetadata"] = "false",
        });
        await Service.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        await _stop.CancelAsync();
        _listener.Stop();
        await _serving.ContinueWith(_ => { }, TaskScheduler.Default);
        _listener.Close();
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        var metadata = Encoding.UTF8.GetBytes($$"""
            {"issuer":"{{Authority}}","authorization_endpoint":"{{AuthorizationEndpoint}}","token_endpoint":"{{Authority}}/token",
             "jwks_uri":"{{Authority}}/jwks","response_types_supported":["code"],"subject_types_supported":["public"],
             "id_token_signing_alg_values_supported":["RS256"],"code_challenge_methods_supported":["S256"]}
            """);
        while (!_stop.IsCancellationRequested)
        {
            var context = await _listener.GetContextAsync();
            // The discovery document, and its key set (empty: no token is ever validated here).
            var body = context.Request.Url?.AbsolutePath switch
            {
                "/.well-known/openid-configuration" => metadata,
                "/jwks" => """{"keys":[]}"""u8.ToArray(),
                _ => null,
            };
            context.Response.StatusCode = body is null ? 404 : 200;
            context.Response.ContentType = "application/json";
            if (body is not null)
            {
                await context.Response.OutputStream.WriteAsync(body);
            }

            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// Signing in with OpenID Connect. Our side renders one page, the sign-in page with the provider's button (axe-core checks
/// it); the button's address answers only a 302 to the provider's authorization endpoint, which must carry an
/// authorization-code request with PKCE (an S256 code challenge), a state and a nonce, and return to /console/signin-oidc.
/// </summary>
[Collection(SharedConsole.Name)]
public sealed class OidcSignInTests(ConsoleBrowser console, OidcService oidc) : IClassFixture<OidcService>
{
    [Fact]
    public async Task SignInPage_ProviderConfigured_OffersItAndPassesAxe()
    {
        var context = await console.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = oidc.Service.Address.ToString() });
        var page = await context.NewPageAsync();

        (await console.GotoAsync(page, "/console/approvals")).Status.ShouldBe(200);

        page.Url.ShouldStartWith(oidc.Service.Address + "console/sign-in");
        var button = page.GetByRole(AriaRole.Link, new() { Name = "Sign in with your organisation's identity provider" });
        (await button.GetAttributeAsync("href")).ShouldBe("/console/sign-in/oidc?returnUrl=%2Fconsole%2Fapprovals");
        (await page.Locator("main").InnerTextAsync()).ShouldNotContain("Development sign-in");
        await ConsoleBrowser.ExpectAccessibleAsync(page);
        await context.DisposeAsync();
    }

    [Fact]
    public async Task OidcSignIn_ProviderConfigured_RedirectsWithPkceStateAndNonce()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = oidc.Service.Address };

        using var response = await client.GetAsync("/console/sign-in/oidc?returnUrl=%2Fconsole%2Fapprovals", TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var location = response.Headers.Location!;
        location.GetLeftPart(UriPartial.Path).ShouldBe(oidc.AuthorizationEndpoint);
        var query = QueryHelpers.ParseQuery(location.Query);
        query["response_type"].ToString().ShouldBe("code");
        query["client_id"].ToString().ShouldBe("orchestrator-console");
        query["redirect_uri"].ToString().ShouldBe(oidc.Service.Address + "console/signin-oidc");
        query["code_challenge_method"].ToString().ShouldBe("S256");
        // base64url of a SHA-256 digest: 43 characters, and a fresh one per request.
        query["code_challenge"].ToString().ShouldMatch("^[A-Za-z0-9_-]{43}$");
        query["state"].ToString().Length.ShouldBeGreaterThan(20);
        query["nonce"].ToString().ShouldNotBeNullOrEmpty();
        query["scope"].ToString().Split(' ').ShouldContain("openid");
        // The verifier stays with the service (in the protected state), never in the address.
        location.Query.ShouldNotContain("code_verifier");
        response.Headers.GetValues("Set-Cookie").ShouldContain(c => c.StartsWith(".AspNetCore.Correlation.", StringComparison.Ordinal));

        using var again = await client.GetAsync("/console/sign-in/oidc", TestContext.Current.CancellationToken);
        QueryHelpers.ParseQuery(again.Headers.Location!.Query)["code_challenge"].ToString().ShouldNotBe(query["code_challenge"].ToString());
    }
}
