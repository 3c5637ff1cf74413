using System.Net;
using Orchestrator.Contracts;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.Policies;

public sealed class PolicyEndpointsTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task List_ShippedCatalog_IncludesDefaultV1WithDigest()
    {
        using var client = api.ClientAs("audrey", "auditor");

        using var response = await client.GetAsync("/api/policies", Token);

        var policy = (await ReadAsync(response)).EnumerateArray().Single(p => p.GetProperty("name").GetString() == "default" && p.GetProperty("version").GetInt32() == 1);
        policy.GetProperty("digest").GetString()!.ShouldStartWith(Digest.Prefix);
    }

    [Fact]
    public async Task Get_DefaultV1_ReturnsTheDocument()
    {
        using var client = api.ClientAs("alice", "ml-engineer");

        using var response = await client.GetAsync("/api/policies/default/versions/1", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ReadAsync(response)).GetProperty("document").GetProperty("approval").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Object);
    }

    [Theory]
    [InlineData("/api/policies/default/versions/99")]
    [InlineData("/api/policies/nope/versions/1")]
    [InlineData("/api/policies/default/versions/-1")]
    public async Task Get_UnknownVersion_Returns404(string url)
    {
        using var client = api.ClientAs("alice", "ml-engineer");

        using var response = await client.GetAsync(url, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
