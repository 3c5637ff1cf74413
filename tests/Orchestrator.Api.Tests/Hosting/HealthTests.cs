using System.Net;
using System.Text.Json;

namespace Orchestrator.Api.Tests.Hosting;

public sealed class HealthTests : IClassFixture<ApiFactory>
{
    private readonly ApiFactory api;

    public HealthTests(ApiFactory api)
    {
        this.api = api;
        // Nothing listens on port 1: Temporal is configured but does not answer.
        api.Settings["Orchestrator:Temporal:Address"] = "127.0.0.1:1";
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Healthz_Anonymous_Returns200()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/healthz", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Readyz_Anonymous_Returns503WithTheStatusOnly()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/readyz", Token);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        report.RootElement.EnumerateObject().Select(p => p.Name).ShouldBe(["status"]);
        report.RootElement.GetProperty("status").GetString().ShouldBe("Unhealthy");
    }

    [Fact]
    public async Task Readyz_RealPostgresAndAzuriteButTemporalDown_Returns503NamingTemporalToAnAuthenticatedCaller()
    {
        using var client = api.ClientAs("olivia", "auditor");

        using var response = await client.GetAsync("/readyz", Token);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var checks = report.RootElement.GetProperty("checks");
        checks.GetProperty("postgres").GetProperty("status").GetString().ShouldBe("Healthy");
        checks.GetProperty("blob-storage").GetProperty("status").GetString().ShouldBe("Healthy");
        checks.GetProperty("temporal").GetProperty("status").GetString().ShouldBe("Unhealthy");
    }
}
