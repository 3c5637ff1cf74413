using System.Net;
using Microsoft.AspNetCore.Hosting;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.Hosting;

public sealed class ApiReferenceTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task OpenApiDocument_Anonymous_DescribesEveryResourceAndTheBearerScheme()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/openapi/v1.json", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var document = await ReadAsync(response);
        document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString().ShouldBe("bearer");
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        paths.ShouldContain("/api/runs");
        paths.ShouldContain("/api/runs/{runId}/approvals");
        paths.ShouldContain("/api/audit/verify");
        paths.ShouldContain("/api/artifacts/{digest}");
    }

    [Fact]
    public async Task Scalar_InDevelopment_ServesTheInteractiveReference()
    {
        using var development = api.WithWebHostBuilder(b => b.UseEnvironment("Development"));
        using var client = development.CreateClient();

        using var response = await client.GetAsync("/scalar", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var page = await response.Content.ReadAsStringAsync(Token);
        page.ShouldContain("<title>Orchestrator API</title>");
        TestContext.Current.TestOutputHelper?.WriteLine(page);
    }

    [Fact]
    public async Task Scalar_OutsideDevelopment_IsNotServed()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/scalar", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
