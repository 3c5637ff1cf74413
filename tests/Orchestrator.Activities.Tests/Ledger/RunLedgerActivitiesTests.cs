using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Contracts;
using Orchestrator.Testing;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Deploy;
using Orchestrator.Workflows.Ledger;
using Temporalio.Exceptions;
using LedgerActivities = Orchestrator.Activities.Ledger.RunLedgerActivities;
using Contract = Orchestrator.Workflows.Ledger.IRunLedgerActivities;

namespace Orchestrator.Activities.Tests.Ledger;

public sealed class RunLedgerActivitiesTests(PostgresDatabase database) : LedgerTestBase(database), IClassFixture<PostgresDatabase>
{
    private readonly string _runId = Guid.NewGuid().ToString("N");

    private string Stream => AuditStreams.Run(_runId);

    [Fact]
    public async Task RecordEnded_SameActivityRetried_RecordsOnce()
    {
        var activities = new LedgerActivities(Audit);
        var input = new Contract.EndedInput(_runId, "shapes", RunOutcome.Failed, "train", "out of memory", null);

        await Activity("temporal-run-1", "7", attempt: 1).RunAsync(() => activities.RecordEndedAsync(input));
        await Activity("temporal-run-1", "7", attempt: 2).RunAsync(() => activities.RecordEndedAsync(input));

        var entries = await Ledger.ReadStreamAsync(Stream, cancellationToken: Token);
        entries.Count.ShouldBe(1);
        entries[0].Data.ShouldBe(new RunFailed("train", "out of memory"));
        entries[0].Context.Actor.ShouldBe(Actor.Service("orchestrator-worker", "test-worker"), new ActorComparer());
    }

    [Fact]
    public async Task RecordApprovalOutcome_RefusedSignature_RecordsApprovalRefusedNotARejection()
    {
        var activities = new LedgerActivities(Audit);
        var signature = new LedgerEntryRef(Stream, 5, new string('c', 64));
        var input = new Contract.ApprovalOutcomeInput(_runId, Contract.ApprovalOutcomeKind.Refused, "bob has already approved; quorum needs distinct approvers",
            [signature], [], DateTimeOffset.UnixEpoch.AddDays(3), "duplicate", "bob");

        await Activity("r", "12").RunAsync(() => activities.RecordApprovalOutcomeAsync(input));

        var entry = (await Ledger.ReadStreamAsync(Stream, cancellationToken: Token)).Single();
        entry.Data.ShouldBe(new ApprovalRefused("bob", "duplicate", input.Reason, new LedgerReference(Stream, 5, new string('c', 64))));
    }

    [Fact]
    public async Task RequestApproval_RecordsRequestWithRecomputableEvidenceDigest()
    {
        var activities = new LedgerActivities(Audit);
        var (aa, bb) = (Digest.FromHex(new string('a', 64)).ToString(), Digest.FromHex(new string('b', 64)).ToString());
        var evidence = new Dictionary<string, string> { ["onnx-model"] = bb, ["dataset-manifest"] = aa };
        var policy = new ApprovalPolicy(2, ["approver"], ["approver"], TimeSpan.FromDays(3));

        var record = await Activity("r", "3").RunAsync(() => activities.RequestApprovalAsync(
            new Contract.RequestApprovalInput(_runId, new ModelVersion("shapes", 4, bb), evidence, DateTimeOffset.UnixEpoch.AddDays(3), policy)));

        record.EvidenceDigest.ShouldBe(LedgerActivities.EvidenceDigest(new Dictionary<string, string> { ["dataset-manifest"] = aa, ["onnx-model"] = bb }));
        var entry = (await Ledger.ReadStreamAsync(Stream, cancellationToken: Token)).Single();
        entry.Data.ShouldBeOfType<ApprovalRequested>().EvidenceDigest.ShouldBe(record.EvidenceDigest);
        entry.Context.Evidence.Select(e => e.Name).ShouldBe(["dataset-manifest", "onnx-model"]);
        record.Entry.ShouldBe(new LedgerEntryRef(Stream, 1, entry.Hash));
    }

    [Fact]
    public async Task ConfirmApproval_EntryWrittenByTheApprover_ReadsItBack()
    {
        var reference = await SignAsync(Stream, "bob", Actor.User("bob", "approver"));

        var signed = await Activity("r", "9").RunAsync(() => new LedgerActivities(Audit).ConfirmApprovalAsync(new(_runId, reference)));

        signed.Approver.ShouldBe("bob");
        signed.Decision.ShouldBe(Workflows.Approve.ApprovalDecision.Approve);
        signed.EvidenceDigest.ShouldBe("sha256:evidence");
        signed.Entry.ShouldBe(reference);
    }

    [Fact]
    public async Task ConfirmApproval_WrongHash_RefusedAsIntegrityViolation()
    {
        var reference = await SignAsync(Stream, "bob", Actor.User("bob", "approver"));

        var error = await Should.ThrowAsync<ApplicationFailureException>(() =>
            Activity("r", "9").RunAsync(() => new LedgerActivities(Audit).ConfirmApprovalAsync(new(_runId, reference with { EventHash = new string('0', 64) }))));

        error.ErrorType.ShouldBe("IntegrityViolation");
    }

    [Fact]
    public async Task ConfirmApproval_EntryOfAnotherRun_Refused()
    {
        var reference = await SignAsync(AuditStreams.Run("other-run"), "bob", Actor.User("bob", "approver"));

        var error = await Should.ThrowAsync<ApplicationFailureException>(() =>
            Activity("r", "9").RunAsync(() => new LedgerActivities(Audit).ConfirmApprovalAsync(new(_runId, reference))));

        error.Message.ShouldContain("is not in run");
    }

    [Fact]
    public async Task ConfirmApproval_SignatureNotWrittenByTheNamedApprover_Refused()
    {
        var reference = await SignAsync(Stream, "bob", Actor.Service("orchestrator-api", "host"));

        var error = await Should.ThrowAsync<ApplicationFailureException>(() =>
            Activity("r", "9").RunAsync(() => new LedgerActivities(Audit).ConfirmApprovalAsync(new(_runId, reference))));

        error.Message.ShouldContain("not written by the approver");
    }

    [Fact]
    public async Task ConfirmApproval_EntryIsNotAnApproval_Refused()
    {
        var entry = await Ledger.AppendAsync(Stream, new RunCancelled("x"), Context(Actor.User("bob", "approver")), "k", Token);

        var error = await Should.ThrowAsync<ApplicationFailureException>(() =>
            Activity("r", "9").RunAsync(() => new LedgerActivities(Audit).ConfirmApprovalAsync(new(_runId, new LedgerEntryRef(Stream, entry.Version, entry.Hash)))));

        error.Message.ShouldContain("not an ApprovalSigned");
    }

    [Fact]
    public async Task RecordApprovalOutcome_Accepted_ListsSignatures()
    {
        var bob = await SignAsync(Stream, "bob", Actor.User("bob", "approver"));
        var carol = await SignAsync(Stream, "carol", Actor.User("carol", "approver"));

        await Activity("r", "11").RunAsync(() => new LedgerActivities(Audit).RecordApprovalOutcomeAsync(
            new Contract.ApprovalOutcomeInput(_runId, Contract.ApprovalOutcomeKind.Accepted, "quorum", [bob, carol], ["bob", "carol"], DateTimeOffset.UnixEpoch)));

        var accepted = (await Ledger.ReadStreamAsync(Stream, cancellationToken: Token))[^1].Data.ShouldBeOfType<ApprovalAccepted>();
        accepted.Approvers.ShouldBe(["bob", "carol"]);
        accepted.Signatures.Select(s => s.Version).ShouldBe([bob.Version, carol.Version]);
    }

    private async Task<LedgerEntryRef> SignAsync(string stream, string approver, Actor actor)
    {
        var entry = await Ledger.AppendAsync(stream, new ApprovalSigned(approver, ["approver"], Orchestrator.Audit.Events.ApprovalDecision.Approve, "fine", "sha256:evidence"),
            Context(actor), $"sign-{approver}", Token);
        return new LedgerEntryRef(entry.StreamId, entry.Version, entry.Hash);
    }

    private AuditContext Context(Actor actor) => new(actor, new Correlation("run-wf", _runId), null, []);

    private sealed class ActorComparer : IEqualityComparer<Actor>
    {
        public bool Equals(Actor? x, Actor? y) => x is not null && y is not null && x.Kind == y.Kind && x.Id == y.Id && x.Worker == y.Worker && x.Roles.SequenceEqual(y.Roles);

        public int GetHashCode(Actor obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}
