using System.Net;
using System.Text.Json;
using Orchestrator.Testing.Temporal;

namespace Orchestrator.Api.Tests.Hosting;

public sealed class ReadinessWithTemporalTests : IClassFixture<ApiFactory>, IClassFixture<TemporalEnvironment>
{
    private readonly ApiFactory _api;

    public ReadinessWithTemporalTests(ApiFactory api, TemporalEnvironment temporal)
    {
        _api = api;
        _api.Settings["Orchestrator:Temporal:Address"] = temporal.Client.Connection.Options.TargetHost;
    }

    [Fact]
    public async Task Readyz_AllThreeServersAnswer_Returns200()
    {
        using var client = _api.ClientAs("olivia", "auditor"); // the checks' details are for authenticated callers

        using var response = await client.GetAsync("/readyz", TestContext.Current.CancellationToken);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        report.RootElement.GetProperty("checks").GetProperty("temporal").GetProperty("status").GetString().ShouldBe("Healthy");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
