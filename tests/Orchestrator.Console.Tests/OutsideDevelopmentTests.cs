using System.Net;

namespace Orchestrator.Console.Tests;

/// <summary>The service outside Development (here "Testing", API role only, no identity provider configured).</summary>
public sealed class OutsideDevelopmentService() : IAsyncLifetime
{
    public ConsoleService Service { get; } = new("Testing");

    public ValueTask InitializeAsync() => Service.InitializeAsync();

    public ValueTask DisposeAsync() => Service.DisposeAsync();
}

/// <summary>Outside Development the development identities do not exist, and without an identity provider nobody can sign in.</summary>
public sealed class OutsideDevelopmentTests(OutsideDevelopmentService host) : IClassFixture<OutsideDevelopmentService>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DevelopmentSignIn_OutsideDevelopment_IsAbsent()
    {
        using var client = new HttpClient { BaseAddress = host.Service.Address };

        using var page = await client.GetAsync("/console/sign-in/development", Token);
        using var form = await client.PostAsync("/console/sign-in/development", new FormUrlEncodedContent([new("User", "mallory"), new("Roles", "admin")]), Token);
        var signIn = await client.GetStringAsync("/console/sign-in", Token);

        page.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        form.StatusCode.ShouldBeOneOf(HttpStatusCode.NotFound, HttpStatusCode.BadRequest);
        form.Headers.TryGetValues("Set-Cookie", out var cookies).ShouldBeFalse(string.Join("; ", cookies ?? []));
        signIn.ShouldContain("No sign-in is configured");
        signIn.ShouldNotContain("/console/sign-in/development");
    }
}
