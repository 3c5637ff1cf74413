using System.Net;
using System.Net.Http.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Orchestrator.Api.Identity;
using Orchestrator.Client;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.Security;

/// <summary>
/// Hostile input outside request bodies: query strings, path segments and token claims. Every endpoint answers a 4xx
/// problem (never a 5xx from the database), and a token without a usable subject, or with a <c>crit</c> header, is a 401.
/// </summary>
public sealed class HostileRequestTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static readonly string[] QueryNames = ["status", "model", "requestedBy", "from", "to", "skip", "take", "version", "at", "limit", "streamId"];

    private static readonly string[] QueryValues =
    [
        "%00", "a%00b", "%C0%80", "%ED%A0%80", "%FF%FE", "%0A", "%1B%5B31m", "%E2%80%AE", "%F0%9F%98%80", "-1", "99999999999999999999",
        "1e308", "2026-13-45T99:99:99Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "%27%3B%20DROP%20TABLE%20mt_events%3B--", new string('a', 4000),
    ];

    private static readonly string[] PathSegments = ["%01", "a%1Fb", "%ED%A0%80", "%C3%28", "%0A", "..%2F..%2Fetc", "%2E%2E", new string('x', 3000), "%25", "sha256:%01"];

    [Fact]
    public async Task EveryGetEndpoint_HostileQueryStrings_NeverAnswer5xx()
    {
        using var client = api.ClientAs("fuzzer", [.. Roles.Known]);
        var gets = (await ApiEndpoints.ProtectedAsync(api.Services)).Where(e => e.Method == "GET").ToList();
        var statuses = new Dictionary<int, int>();
        var wrong = new List<string>();

        foreach (var endpoint in gets)
        {
            foreach (var name in QueryNames)
            {
                foreach (var value in QueryValues)
                {
                    var url = $"{endpoint.Url}?{name}={value}";
                    using var response = await client.GetAsync(url, Token);
                    var status = (int)response.StatusCode;
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                    if (status >= 500)
                    {
                        wrong.Add($"{status} for GET {url[..Math.Min(120, url.Length)]}");
                    }
                }
            }
        }

        gets.Count.ShouldBeGreaterThan(10);
        wrong.ShouldBeEmpty();
        statuses.GetValueOrDefault(400).ShouldBeGreaterThan(0); // the NUL values at least were refused as bad requests
    }

    // NUL in a path: the in-process test client refuses to send it ("The path contains null characters"), and
    // Kestrel answers it 400 itself before any middleware (KestrelTests); control characters do reach the guard.
    [Theory]
    [InlineData("/api/runs?requestedBy=%00")]
    [InlineData("/api/runs?model=a%00b")]
    [InlineData("/api/runs?status=%1B%5B31m")]
    [InlineData("/api/audit/streams/run-a%0Db/events")]
    [InlineData("/api/datasets/a%0Ab")]
    public async Task Get_NulOrInvalidTextInPathOrQuery_Returns400BadRequestProblem(string url)
    {
        using var client = api.ClientAs("fuzzer", Roles.Auditor);

        using var response = await client.GetAsync(url, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        (await ReadAsync(response)).GetProperty("type").GetString().ShouldBe("https://orchestrator.dev/problems/bad-request");
    }

    [Fact]
    public async Task EveryEndpoint_HostilePathSegments_NeverAnswer5xx()
    {
        using var client = api.ClientAs("fuzzer", [.. Roles.Known]);
        var endpoints = (await ApiEndpoints.ProtectedAsync(api.Services)).Where(e => e.Url.Contains("/x1", StringComparison.Ordinal)).ToList();
        var wrong = new List<string>();

        foreach (var endpoint in endpoints)
        {
            foreach (var segment in PathSegments)
            {
                var hostile = endpoint with { Url = endpoint.Url.Replace("/x1", "/" + segment, StringComparison.Ordinal) };
                using var response = await client.SendAsync(ApiEndpoints.Request(hostile, null), Token);
                if ((int)response.StatusCode >= 500)
                {
                    wrong.Add($"{(int)response.StatusCode} for {hostile.Method} {hostile.Url[..Math.Min(120, hostile.Url.Length)]}");
                }
            }
        }

        endpoints.Count.ShouldBeGreaterThan(5);
        wrong.ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(TokenForge.UnusableSubjects), MemberType = typeof(TokenForge))]
    public async Task EveryEndpoint_SignedTokenWithoutAUsableSubject_Returns401(string kind, string claims)
    {
        var token = TokenForge.Sign(api.SigningKey, claims);
        using var client = api.CreateClient();
        var endpoints = await ApiEndpoints.ProtectedAsync(api.Services);
        var wrong = new List<string>();

        foreach (var endpoint in endpoints)
        {
            using var response = await client.SendAsync(ApiEndpoints.Request(endpoint, token), Token);
            if (response.StatusCode != HttpStatusCode.Unauthorized || response.Headers.WwwAuthenticate.ToString() != "Bearer error=\"invalid_token\"")
            {
                wrong.Add($"{endpoint}: {(int)response.StatusCode}");
            }
        }

        wrong.ShouldBeEmpty(kind);
    }

    [Fact]
    public async Task Post_TokenWithNulInItsSubject_Returns401OnWritesAndReads()
    {
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", TokenForge.Sign(api.SigningKey, "\"sub\":\"mallory\\u0000\",\"roles\":[\"ml-engineer\",\"auditor\"]"));

        using var run = await client.PostAsJsonAsync("/api/runs", StartBody(), Token);
        using var export = await client.PostAsJsonAsync("/api/audit/export", new { }, Token);
        using var me = await client.GetAsync("/api/me", Token);

        (run.StatusCode, export.StatusCode, me.StatusCode).ShouldBe((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized));
        (await ReadAsync(me)).GetProperty("detail").GetString()!.ShouldContain("'sub'");
    }

    [Theory]
    [InlineData("""["https://example.com/ext"]""")]
    [InlineData("""["exp"]""")]
    [InlineData("[]")]
    public async Task Get_TokenWithACritHeader_Returns401(string crit)
    {
        var header = new Dictionary<string, object> { ["crit"] = System.Text.Json.JsonDocument.Parse(crit).RootElement.EnumerateArray().Select(e => e.GetString()!).ToArray() };
        var token = TokenForge.Sign(api.SigningKey, "\"sub\":\"alice\",\"roles\":[\"auditor\"]", header);
        new JsonWebToken(token).TryGetHeaderValue<object>("crit", out _).ShouldBeTrue();
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);

        using var response = await client.GetAsync("/api/me", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await ReadAsync(response)).GetProperty("detail").GetString()!.ShouldContain("crit");
    }

    [Fact]
    public async Task Get_ForgedTokenWithAUsableSubject_IsAcceptedSoTheRefusalsAboveAreTheClaims()
    {
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", TokenForge.Sign(api.SigningKey, "\"sub\":\"alice\",\"roles\":[\"auditor\"]"));

        using var response = await client.GetAsync("/api/me", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ReadAsync(response)).GetProperty("user").GetString().ShouldBe("alice");
    }
}
