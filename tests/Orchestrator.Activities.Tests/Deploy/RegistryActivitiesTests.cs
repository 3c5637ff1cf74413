using Orchestrator.Activities.Deploy;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Projections;
using Orchestrator.Testing;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Tests.Deploy;

public sealed class RegistryActivitiesTests(PostgresDatabase database) : LedgerTestBase(database), IClassFixture<PostgresDatabase>
{
    private readonly string _model = "reg-" + Guid.NewGuid().ToString("N")[..8];

    private RegistryActivities Activities => new(Models, Audit, new AuditReadModels(Database));

    [Fact]
    public async Task Register_RetriedAndRerun_AssignsOneVersionAndRecordsOnce()
    {
        var input = DeployFixture.Register("run-a", _model, DeployFixture.Digest('a'));

        var first = await Activity("wf-run-1", "9", attempt: 1).RunAsync(() => Activities.RegisterAsync(input));
        var retried = await Activity("wf-run-1", "9", attempt: 2).RunAsync(() => Activities.RegisterAsync(input));
        var rerun = await Activity("wf-run-2", "12").RunAsync(() => Activities.RegisterAsync(input));

        first.Version.ShouldBe(1);
        retried.ShouldBe(first);
        rerun.ShouldBe(first);
        var entries = await Ledger.ReadStreamAsync(AuditStreams.Model(_model), cancellationToken: Token);
        entries.Count(e => e.Data is ModelExported).ShouldBe(1);
        entries.Count(e => e.Data is ModelEvaluated).ShouldBe(1);
        var registry = (await new AuditReadModels(Database).ModelAsync(AuditStreams.Model(_model), Token)).ShouldNotBeNull();
        var record = registry.Find(1).ShouldNotBeNull();
        record.RunId.ShouldBe("run-a");
        record.OnnxDigest.ShouldBe(DeployFixture.Digest('a'));
        record.Metrics["accuracy"].ShouldBe(0.95);
    }

    [Fact]
    public async Task Register_ConcurrentRuns_GetDistinctConsecutiveVersions()
    {
        var runs = Enumerable.Range(0, 6).Select(i => DeployFixture.Register($"run-{i}", _model, DeployFixture.Digest((char)('a' + i)))).ToArray();

        var versions = await Task.WhenAll(runs.Select((r, i) => Activity($"wf-{i}", "9").RunAsync(() => Activities.RegisterAsync(r))));

        versions.Select(v => v.Version).Order().ShouldBe([1, 2, 3, 4, 5, 6]);
        var exported = (await Ledger.ReadStreamAsync(AuditStreams.Model(_model), cancellationToken: Token)).Select(e => e.Data).OfType<ModelExported>().ToList();
        exported.Select(e => e.RunId).Distinct().Count().ShouldBe(6);
        foreach (var v in versions)
        {
            exported.Single(e => e.Version == v.Version).OnnxDigest.ShouldBe(v.OnnxDigest);
        }
    }

    [Fact]
    public async Task Register_InvalidModelName_FailsNonRetryableWithoutRecording()
    {
        var failure = await Should.ThrowAsync<ApplicationFailureException>(() =>
            Activity("wf", "9").RunAsync(() => Activities.RegisterAsync(DeployFixture.Register("run-a", "bad name/x", DeployFixture.Digest('a')))));

        failure.ErrorType.ShouldBe("InvalidInput");
        failure.NonRetryable.ShouldBeTrue();
    }
}
