using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Projections;
using Orchestrator.Audit.Replay;

namespace Orchestrator.Audit.Tests.Replay;

public sealed class ReplayAndProjectionTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    private static readonly DateTimeOffset Day1 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ModelAsync_AtAnInstant_AnswersWhichVersionWasProductionAndWhoApprovedIt()
    {
        var (model, runStream, signature) = await WriteModelHistoryAsync("defects-a");
        var replay = new LedgerReplay(fixture.Database);

        var onDay3 = (await replay.ModelAsync(model, at: Day1.AddDays(2).AddHours(12), cancellationToken: Token)).ShouldNotBeNull();
        var onDay6 = (await replay.ModelAsync(model, at: Day1.AddDays(5).AddHours(12), cancellationToken: Token)).ShouldNotBeNull();

        onDay3.Aliases["production"].Version.ShouldBe(1);
        var v1 = onDay3.Find(1).ShouldNotBeNull();
        v1.Approvers.ShouldBe(["bob"]);
        v1.ApprovalEvidenceDigest.ShouldBe(new string('f', 64));
        v1.Approvals.ShouldBe([signature]);
        v1.RunId.ShouldBe("run-a");
        onDay3.Find(2).ShouldBeNull();
        onDay6.Aliases["production"].Version.ShouldBe(2);
        (await fixture.NewLedger().ConfirmAsync(signature, Token)).IsConfirmed.ShouldBeTrue();
        (await replay.ModelAsync(model, at: Day1.AddDays(-1), cancellationToken: Token)).ShouldBeNull();
        (await replay.RunAsync(runStream, cancellationToken: Token)).ShouldNotBeNull().Approvals.Single().Approver.ShouldBe("bob");
    }

    [Fact]
    public async Task ModelAsync_AtAVersion_StopsThere()
    {
        var (model, _, _) = await WriteModelHistoryAsync("defects-b");

        var atTwo = (await new LedgerReplay(fixture.Database).ModelAsync(model, atVersion: 2, cancellationToken: Token)).ShouldNotBeNull();

        atTwo.StreamVersion.ShouldBe(2);
        atTwo.Find(1).ShouldNotBeNull().Status.ShouldBe(ModelVersionStatus.Evaluated);
        atTwo.Aliases.ShouldBeEmpty();
    }

    [Fact]
    public async Task ModelRegistryProjection_AfterAppends_EqualsTheReplayedHead()
    {
        var (model, _, _) = await WriteModelHistoryAsync("defects-c");

        var projected = (await new AuditReadModels(fixture.Database).ModelAsync(model, Token)).ShouldNotBeNull();
        var replayed = (await new LedgerReplay(fixture.Database).ModelAsync(model, cancellationToken: Token)).ShouldNotBeNull();

        projected.Name.ShouldBe("defects-c");
        projected.StreamVersion.ShouldBe(replayed.StreamVersion);
        projected.Aliases["production"].ShouldBe(replayed.Aliases["production"]);
        projected.Versions.Select(v => (v.Version, v.Status, v.OnnxDigest, v.DatasetDigest)).ShouldBe(replayed.Versions.Select(v => (v.Version, v.Status, v.OnnxDigest, v.DatasetDigest)));
        projected.Find(1).ShouldNotBeNull().Metrics["accuracy"].ShouldBe(0.93);
        projected.Find(1)!.Approvals.ShouldBe(replayed.Find(1)!.Approvals);
    }

    [Fact]
    public async Task RunSummaries_ListWithFilters_ReturnOnlyMatchingRuns()
    {
        var ledger = fixture.NewLedger(new ManualClock(Day1));
        var owner = $"carol-{Guid.NewGuid():N}";
        foreach (var (runId, fail) in new[] { ("list-1", false), ("list-2", true), ("list-3", false) })
        {
            var stream = AuditStreams.Run(runId + owner);
            await ledger.AppendAsync(stream, Samples.Requested(runId), Samples.User(runId, owner, "ml-engineer"), "requested", Token);
            await ledger.AppendAsync(stream, new RunStarted($"pipeline-{runId}", "default"), Samples.Worker(runId), "started", Token);
            object last = fail ? new RunFailed("qc", "agreement 0.41 below 0.6") : new RunCompleted("defects", 1, "deployed");
            await ledger.AppendAsync(stream, last, Samples.Worker(runId), "ended", Token);
        }

        var readModels = new AuditReadModels(fixture.Database);
        var failed = await readModels.ListRunsAsync(new RunFilter(Status: RunStatus.Failed, RequestedBy: owner), cancellationToken: Token);
        var all = await readModels.ListRunsAsync(new RunFilter(RequestedBy: owner), cancellationToken: Token);

        failed.Single().RunId.ShouldBe("list-2");
        failed.Single().FailureReason.ShouldBe("agreement 0.41 below 0.6");
        failed.Single().Stage.ShouldBe("qc");
        all.Count.ShouldBe(3);
        all.ShouldAllBe(r => r.StreamVersion == 3 && r.RequestedAt == Day1);
    }

    private async Task<(string Model, string RunStream, LedgerReference Signature)> WriteModelHistoryAsync(string name)
    {
        var clock = new ManualClock(Day1);
        var ledger = fixture.NewLedger(clock);
        var model = AuditStreams.Model(name);
        var run = AuditStreams.Run($"{name}-run");
        var worker = Samples.Worker("run-a");

        await ledger.AppendAsync(model, Samples.Exported(1, "run-a"), worker, "v1/exported", Token);
        await ledger.AppendAsync(model, Evaluated(1, 0.93), worker, "v1/evaluated", Token);
        clock.Now = Day1.AddDays(1);
        var signed = await ledger.AppendAsync(run, new ApprovalSigned("bob", ["approver"], ApprovalDecision.Approve, "metrics meet policy", new string('f', 64)),
            Samples.User("run-a", "bob", "approver"), "approval/bob", Token);
        await ledger.AppendAsync(model, new ModelVersionApproved(1, "run-a", ["bob"], new string('f', 64), [signed.Reference]), worker, "v1/approved", Token);
        clock.Now = Day1.AddDays(2);
        await ledger.AppendAsync(model, new ModelDeployed(1, "production", 1.0), worker, "v1/deployed", Token);
        clock.Now = Day1.AddDays(4);
        await ledger.AppendAsync(model, Samples.Exported(2, "run-b"), worker, "v2/exported", Token);
        await ledger.AppendAsync(model, new ModelDeployed(2, "production", 0.1), worker, "v2/canary", Token);
        clock.Now = Day1.AddDays(5);
        await ledger.AppendAsync(model, new ModelPromoted(2, "production"), worker, "v2/promoted", Token);
        return (model, run, signed.Reference);
    }

    private static ModelEvaluated Evaluated(int version, double accuracy) => new(
        version,
        new Dictionary<string, double> { ["accuracy"] = accuracy, ["macro-f1"] = accuracy - 0.02 },
        new Dictionary<string, IReadOnlyDictionary<string, double>> { ["scratch"] = new Dictionary<string, double> { ["recall"] = 0.9 } },
        new Dictionary<string, IReadOnlyDictionary<string, double>> { ["night"] = new Dictionary<string, double> { ["accuracy"] = 0.88 } },
        new Dictionary<string, double> { ["gaussian-noise"] = 0.85 },
        null,
        GateVerdict.Passed,
        "policy-3");
}
