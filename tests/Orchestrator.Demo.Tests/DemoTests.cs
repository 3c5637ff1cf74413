using Orchestrator.Cli.Client;

namespace Orchestrator.Demo.Tests;

/// <summary>
/// The demo in CI: against the service built like `./run.sh` serves it, every step must happen and verify
/// for exit code 0; a step that fails ends the demo non-zero, naming the step and what was reached.
/// </summary>
public sealed class DemoTests(DemoService service) : IClassFixture<DemoService>
{
    [Fact]
    public async Task Demo_GovernedRun_ApprovesCanariesAuditsAndVerifiesBundleOffline()
    {
        var result = await Demo.RunAsync(service, "--model", "demo-ci", "--skip-operate");

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.Error);
        result.Out.ShouldContain("refused as expected: 403 Separation of duties");
        result.Out.ShouldContain("sha256 matches the ledger entry");
        result.Out.ShouldContain("version 1 promoted to production after serving");
        result.Out.ShouldContain("run-");
        result.Out.ShouldContain("everything verified");
        var bundle = Path.Combine(service.Output, "audit-bundle-demo-ci.zip");
        File.Exists(bundle).ShouldBeTrue();
        File.Exists(Path.ChangeExtension(bundle, ".public-key.pem")).ShouldBeTrue();
        result.Out.ShouldContain($"export bundle:   {bundle}");
        var report = Path.Combine(service.Output, "evidence-report-demo-ci-v1.md");
        File.ReadAllText(report).ShouldContain("demo-ci");
        // The demo's synthetic data is audited by its own labels, and the report says so in so many words (issue 17).
        File.ReadAllText(report).ShouldContain("Label audit: simulated: the data source's own labels reviewed the");
        result.Out.ShouldContain($"evidence report: {report}");
        result.Out.ShouldMatch(@"verification:\s+VERIFIED: \d+ events in 2 streams");
        // The summary ends with where a person looks at the run and the model in the console.
        result.Out.ShouldMatch(@"console run:\s+http://[^/\s]+/console/runs/[0-9a-f]+\s");
        result.Out.ShouldMatch(@"console model:\s+http://[^/\s]+/console/models/demo-ci\s");
    }

    [Fact]
    public async Task Demo_DatasetTooSmallForTheQualityGate_FailsNamingTheStepAndWhatWasReached()
    {
        var result = await Demo.RunAsync(service, "--model", "demo-small", "--images", "60", "--skip-operate");

        result.ExitCode.ShouldBe(ExitCodes.Failed);
        result.Error.ShouldContain("orchestrator demo: FAILED at 'the run acquires, annotates, passes the QC gate");
        result.Error.ShouldContain("ended failed");
        result.Error.ShouldContain("reached: (1) the service is up");
        result.Out.ShouldNotContain("everything verified");
    }

    [Fact]
    public async Task Demo_ServiceUnreachable_ExitsUnavailableWithOneLine()
    {
        var result = await Demo.RunAsync(null, "--api", "http://127.0.0.1:9", "--key-path", service.KeyPath, "--output", service.Output);

        result.ExitCode.ShouldBe(ExitCodes.Unavailable);
        result.Error.ShouldContain("FAILED at 'the service is up");
        result.Error.ShouldContain("cannot reach the API");
        result.Error.ShouldContain("reached: nothing");
    }
}
