using System.Net;
using System.Text.Json.Nodes;
using Orchestrator.Contracts;
using Orchestrator.Workflows.Policies;
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

    [Fact]
    public async Task Schema_AnyReader_ReturnsTheSchemaGeneratedFromThePolicyTypes()
    {
        using var client = api.ClientAs("audrey", "auditor");

        using var response = await client.GetAsync("/api/policies/schema", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/schema+json");
        var schema = JsonNode.Parse(await response.Content.ReadAsStringAsync(Token))!;
        JsonNode.DeepEquals(schema, PolicySchema.Node()).ShouldBeTrue();
        schema["$schema"]!.GetValue<string>().ShouldBe(PolicySchema.Dialect);
        schema["additionalProperties"]!.GetValue<bool>().ShouldBeFalse();
        schema["properties"]!["evaluation"]!["properties"]!["minAccuracy"].ShouldNotBeNull();
    }

    [Fact]
    public async Task Schema_Anonymous_Returns401ProblemDetails()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/api/policies/schema", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }
}
