using Orchestrator.Cli.Client;

namespace Orchestrator.Demo.Tests;

/// <summary>
/// The whole demo, operate part included, against its own service: drifted traffic must make the monitor
/// detect drift and request a retrain, the retrain must be approved and promoted, and the superseded
/// version must be decommissioned and answer 410 naming the successor; exit 0 only when all of it verified.
/// </summary>
public sealed class DemoOperateTests(DemoService service) : IClassFixture<DemoService>
{
    [Fact]
    public async Task Demo_DriftRetrainDecommission_EndsVerifiedWithOldVersionGone()
    {
        var result = await Demo.RunAsync(service, "--model", "demo-operate");

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.Error);
        result.Out.ShouldContain("DriftDetected v1");
        result.Out.ShouldContain("RetrainRequested for v1");
        result.Out.ShouldContain("requested by 'monitor'");
        result.Out.ShouldContain("ModelDecommissioned v1");
        result.Out.ShouldContain("410 ");
        result.Out.ShouldContain("its successor is version 2");
        result.Out.ShouldContain("everything verified");
        File.Exists(Path.Combine(service.Output, "audit-bundle-demo-operate-after-retrain.zip")).ShouldBeTrue();
        result.Out.ShouldMatch(@"verification:\s+VERIFIED: \d+ events in 3 streams");
    }
}
