using Orchestrator.Activities.Deploy;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Projections;
using Orchestrator.Operations.Models;
using Orchestrator.Operations.Serving;
using Orchestrator.Testing;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Deploy;
using Orchestrator.Workflows.Policies;
using Temporalio.Exceptions;
using LedgerActivities = Orchestrator.Activities.Ledger.RunLedgerActivities;

namespace Orchestrator.Activities.Tests.Deploy;

/// <summary>
/// A first deployment that every approver explicitly accepted without a canary comparison (ADR 0044), through the real ledger: the
/// approvals and acceptances are read back by ConfirmApproval, the quorum's acceptance is the pure rule's, and the deploy activity
/// confirms it again before it deploys.
/// </summary>
public sealed class DeployWithoutCanaryComparisonTests(PostgresDatabase database) : LedgerTestBase(database), IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly CanaryPolicy Policy = new(0.1, TimeSpan.FromMilliseconds(300), MaxErrorRate: 0.05, MinRequests: 20);
    private readonly string _model = "nocompare-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _run1 = "run-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _run2 = "run-" + Guid.NewGuid().ToString("N")[..8];
    private PredictionLog? _log;

    private PredictionLog Log => _log ??= new PredictionLog(Database);

    private DeployActivities Canary => new(Models, Audit, new CanaryObserver(Log), TimeProvider.System);

    private async Task<ModelVersion> RegisterAsync(string runId, char digest) =>
        await Activity("wf-" + runId, "9").RunAsync(() =>
            new RegistryActivities(Models, Audit, new AuditReadModels(Database)).RegisterAsync(DeployFixture.Register(runId, _model, DeployFixture.Digest(digest))));

    /// <summary>Alice and bob approve; those in <paramref name="accepting"/> also accept no canary comparison. Returns what the workflow would pass on.</summary>
    private async Task<(IReadOnlyList<LedgerEntryRef> Approvals, NoCanaryComparisonAcceptance? Acceptance)> ApproveAsync(string runId, params string[] accepting)
    {
        var confirmed = new List<SignedApproval>();
        foreach (var approver in new[] { "alice", "bob" })
        {
            var signed = await DeployFixture.SignAsync(Ledger, runId, approver);
            var submitted = accepting.Contains(approver) ? await DeployFixture.AcceptNoCanaryComparisonAsync(Ledger, runId, approver, _model, signed) : signed;
            confirmed.Add(await Activity("wf-" + runId, "12").RunAsync(() => new LedgerActivities(Audit).ConfirmApprovalAsync(new(runId, submitted))));
        }

        return ([.. confirmed.Select(c => c.Entry)], NoCanaryComparison.AcceptedBy(confirmed));
    }

    private async Task<DeploymentOutcome> DeployAsync(string runId, ModelVersion version, IReadOnlyList<LedgerEntryRef> approvals, NoCanaryComparisonAcceptance? acceptance,
        CanaryPolicy? policy = null) =>
        await Activity("wf-" + runId, "14").RunAsync(() => Canary.DeployAsync(new(runId, version, policy ?? Policy, approvals, null, acceptance)));

    [Fact]
    public async Task Deploy_FirstVersionZeroTrafficAcceptedByEveryApprover_PromotedOnceNamingThemAndTheCounts()
    {
        var v1 = await RegisterAsync(_run1, 'a');
        var (approvals, acceptance) = await ApproveAsync(_run1, "alice", "bob");

        var outcome = await DeployAsync(_run1, v1, approvals, acceptance);
        var again = await DeployAsync(_run1, v1, approvals, acceptance);

        acceptance.ShouldNotBeNull().AcceptedBy.ShouldBe(["alice", "bob"]);
        outcome.Promoted.ShouldBeTrue(outcome.Reason);
        (outcome.CanaryRequests, outcome.ProductionRequests).ShouldBe((0, 0));
        outcome.Reason.ShouldStartWith("deployed without a canary comparison, accepted by alice, bob: canary 0 requests (0 errors) of the 20 a comparison needs, no production version");
        again.Promoted.ShouldBeTrue();
        var entries = await Ledger.ReadStreamAsync(AuditStreams.Model(_model), cancellationToken: Token);
        var without = entries.Select(e => e.Data).OfType<DeployedWithoutCanaryComparison>().ShouldHaveSingleItem();
        (without.Version, without.CanaryRequests, without.CanaryErrors, without.MinRequests).ShouldBe((1, 0, 0, 20));
        without.AcceptedBy.ShouldBe(["alice", "bob"]);
        without.Acceptances.ShouldBe([.. acceptance.Entries.Select(e => new LedgerReference(e.StreamId, e.Version, e.EventHash))]);
        var promoted = entries.Where(e => e.Data is ModelPromoted).ShouldHaveSingleItem();
        promoted.Version.ShouldBe(entries.Single(e => e.Data is DeployedWithoutCanaryComparison).Version + 1);
        entries.Select(e => e.Data).OfType<ModelRolledBack>().ShouldBeEmpty();
        var registry = (await new AuditReadModels(Database).ModelAsync(AuditStreams.Model(_model), Token)).ShouldNotBeNull();
        registry.Aliases[ModelState.ProductionAlias].Version.ShouldBe(1);
    }

    [Fact]
    public async Task Deploy_AcceptedUnderAHoldPolicy_PromotedInsteadOfHeld()
    {
        var v1 = await RegisterAsync(_run1, 'a');
        var (approvals, acceptance) = await ApproveAsync(_run1, "alice", "bob");

        var outcome = await DeployAsync(_run1, v1, approvals, acceptance, Policy with { OnInsufficientEvidence = InsufficientEvidenceAction.Hold });

        outcome.Promoted.ShouldBeTrue(outcome.Reason);
        outcome.Held.ShouldBeFalse();
        (await Ledger.ReadStreamAsync(AuditStreams.Model(_model), cancellationToken: Token)).Select(e => e.Data).OfType<CanaryHeld>().ShouldBeEmpty();
    }

    [Fact]
    public async Task Deploy_OnlyOneApproverAccepted_RolledBackAsWithoutAcceptance()
    {
        var v1 = await RegisterAsync(_run1, 'a');
        var (approvals, acceptance) = await ApproveAsync(_run1, "alice");

        var outcome = await DeployAsync(_run1, v1, approvals, acceptance);

        acceptance.ShouldBeNull();
        outcome.Promoted.ShouldBeFalse();
        outcome.Reason.ShouldStartWith("insufficient evidence: too little traffic to judge the canary: canary 0 of 20 requests needed");
        var entries = await Ledger.ReadStreamAsync(AuditStreams.Model(_model), cancellationToken: Token);
        entries.Select(e => e.Data).OfType<DeployedWithoutCanaryComparison>().ShouldBeEmpty();
        entries.Select(e => e.Data).OfType<ModelPromoted>().ShouldBeEmpty();
    }

    [Fact]
    public async Task Deploy_AcceptedButAProductionVersionServesByThen_RolledBackToIt()
    {
        // v1 reaches production with real traffic; an acceptance for v2 (signed before v1 was promoted, say) no longer applies.
        var v1 = await RegisterAsync(_run1, 'a');
        var (first, _) = await ApproveAsync(_run1);
        var deploying = DeployAsync(_run1, v1, first, null, Policy with { MaxExtension = TimeSpan.FromSeconds(20) });
        await WhenCanaryRecordedAsync(1);
        await DeployFixture.LogTrafficAsync(Log, _model, 1, 25);
        (await deploying).Promoted.ShouldBeTrue();
        var v2 = await RegisterAsync(_run2, 'b');
        var (approvals, acceptance) = await ApproveAsync(_run2, "alice", "bob");

        var outcome = await DeployAsync(_run2, v2, approvals, acceptance.ShouldNotBeNull());

        outcome.Promoted.ShouldBeFalse();
        outcome.Reason.ShouldContain("canary 0 of 20 requests needed, production 0 of 20");
        (await Ledger.ReadStreamAsync(AuditStreams.Model(_model), cancellationToken: Token)).Select(e => e.Data).OfType<DeployedWithoutCanaryComparison>().ShouldBeEmpty();
        (await new AuditReadModels(Database).ModelAsync(AuditStreams.Model(_model), Token)).ShouldNotBeNull().Aliases[ModelState.ProductionAlias].Version.ShouldBe(1);
    }

    [Fact]
    public async Task Deploy_AcceptanceNotWrittenByItsApprover_RefusedBeforeAnyAliasChange()
    {
        var v1 = await RegisterAsync(_run1, 'a');
        var (approvals, _) = await ApproveAsync(_run1);
        var forged = await DeployFixture.AcceptNoCanaryComparisonAsync(Ledger, _run1, "alice", _model, approvals[0], writer: "mallory");
        var genuine = await DeployFixture.AcceptNoCanaryComparisonAsync(Ledger, _run1, "bob", _model, approvals[1]);

        var refused = await Should.ThrowAsync<ApplicationFailureException>(() =>
            DeployAsync(_run1, v1, approvals, new NoCanaryComparisonAcceptance(["alice", "bob"], [forged, genuine])));
        var partial = await Should.ThrowAsync<ApplicationFailureException>(() =>
            DeployAsync(_run1, v1, approvals, new NoCanaryComparisonAcceptance(["alice", "bob"], [genuine])));

        refused.ErrorType.ShouldBe("IntegrityViolation");
        partial.ErrorType.ShouldBe("IntegrityViolation");
        partial.Message.ShouldContain("not every approval");
        (await Ledger.ReadStreamAsync(AuditStreams.Model(_model), cancellationToken: Token)).Select(e => e.Data)
            .Where(d => d is ModelDeployed || d is ModelVersionApproved || d is ModelPromoted).ShouldBeEmpty();
    }

    [Fact]
    public async Task ConfirmApproval_AcceptanceOfAnotherApproversSignature_Refused()
    {
        var alice = await DeployFixture.SignAsync(Ledger, _run1, "alice");
        var misattributed = await DeployFixture.AcceptNoCanaryComparisonAsync(Ledger, _run1, "bob", _model, alice);

        var refused = await Should.ThrowAsync<ApplicationFailureException>(() =>
            Activity("wf-" + _run1, "12").RunAsync(() => new LedgerActivities(Audit).ConfirmApprovalAsync(new(_run1, misattributed))));

        refused.ErrorType.ShouldBe("IntegrityViolation");
        refused.Message.ShouldContain("does not go with an approval by bob");
    }

    [Fact]
    public async Task ConfirmApproval_Acceptance_ReadsTheApprovalBackCarryingTheAcceptance()
    {
        var alice = await DeployFixture.SignAsync(Ledger, _run1, "alice");
        var accepted = await DeployFixture.AcceptNoCanaryComparisonAsync(Ledger, _run1, "alice", _model, alice);

        var signed = await Activity("wf-" + _run1, "12").RunAsync(() => new LedgerActivities(Audit).ConfirmApprovalAsync(new(_run1, accepted)));

        signed.Entry.ShouldBe(alice);
        signed.Approver.ShouldBe("alice");
        signed.NoCanaryComparisonAccepted.ShouldBe(accepted);
    }

    private async Task WhenCanaryRecordedAsync(int version)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        while (!(await Ledger.ReadStreamAsync(AuditStreams.Model(_model), cancellationToken: Token)).Any(e => e.Data is ModelDeployed d && d.Version == version))
        {
            DateTimeOffset.UtcNow.ShouldBeLessThan(deadline, "the canary was never recorded");
            await Task.Delay(20, Token);
        }
    }

    public new async ValueTask DisposeAsync()
    {
        _log?.Dispose();
        await base.DisposeAsync();
    }
}
