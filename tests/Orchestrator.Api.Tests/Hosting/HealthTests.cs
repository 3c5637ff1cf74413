using System.Net;
using System.Text.Json;

namespace Orchestrator.Api.Tests.Hosting;

public sealed class HealthTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Healthz_Anonymous_Returns200()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/healthz", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Readyz_RealPostgresAndAzuriteButNoTemporal_Returns503NamingTheMissingSetting()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/readyz", Token);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var checks = report.RootElement.GetProperty("checks");
        checks.GetProperty("postgres").GetProperty("status").GetString().ShouldBe("Healthy");
        checks.GetProperty("blob-storage").GetProperty("status").GetString().ShouldBe("Healthy");
        checks.GetProperty("temporal").GetProperty("detail").GetString().ShouldBe("Orchestrator:Temporal:Address is not configured");
    }
}
