using System.Net;
using Orchestrator.Api.Identity;
using Orchestrator.Client;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.Security;

/// <summary>What only the real server shows: its headers, and paths the in-process test client will not send (NUL).</summary>
public sealed class KestrelTests : IAsyncLifetime
{
    private readonly ApiFactory _api = new();

    public async ValueTask InitializeAsync()
    {
        await _api.InitializeAsync();
        _api.UseKestrel(0);
        _api.StartServer();
    }

    [Fact]
    public async Task Response_HasNoServerHeaderAndTheSecurityHeaders()
    {
        using var client = Client();

        using var response = await client.GetAsync("/api/me", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        client.BaseAddress!.IsLoopback.ShouldBeTrue();
        response.Headers.Server.ShouldBeEmpty();
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
    }

    [Theory]
    [InlineData("/api/runs/%00")]
    [InlineData("/api/runs/a%00b/cancel")]
    [InlineData("/api/audit/streams/run-%00/events")]
    [InlineData("/api/runs?requestedBy=%00")]
    public async Task Get_NulInPathOrQuery_Answers400(string url)
    {
        using var client = Client();

        using var response = await client.GetAsync(url, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, url);
    }

    // Invalid UTF-8 (a lone surrogate's bytes, an overlong NUL) is decoded to U+FFFD, a character: ordinary names that match nothing.
    [Theory]
    [InlineData("/api/models/%ED%A0%80")]
    [InlineData("/api/models/%C0%80")]
    [InlineData("/api/runs?requestedBy=%ED%A0%80")]
    [InlineData("/api/runs?requestedBy=%C0%80")]
    public async Task Get_InvalidUtf8InPathOrQuery_NeverAnswers5xx(string url)
    {
        using var client = Client();

        using var response = await client.GetAsync(url, Token);

        ((int)response.StatusCode).ShouldBeLessThan(500, url);
    }

    private HttpClient Client()
    {
        var client = _api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", _api.Token("kim", [Roles.Auditor]));
        return client;
    }

    public async ValueTask DisposeAsync() => await _api.DisposeAsync();
}
