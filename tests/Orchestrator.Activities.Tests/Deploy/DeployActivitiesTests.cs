using Orchestrator.Activities.Deploy;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Projections;
using Orchestrator.Operations.Models;
using Orchestrator.Operations.Serving;
using Orchestrator.Testing;
using Orchestrator.Workflows.Approve;
using ApprovalDecision = Orchestrator.Audit.Events.ApprovalDecision;
using Orchestrator.Workflows.Deploy;
using Orchestrator.Workflows.Policies;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Tests.Deploy;

public sealed class DeployActivitiesTests(PostgresDatabase database) : LedgerTestBase(database), IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly CanaryPolicy Policy = new(0.1, TimeSpan.FromSeconds(3), MaxErrorRate: 0.05, MinRequests: 20);
    private readonly string _model = "canary-" + Guid.NewGuid().ToString("N")[..8];
    private PredictionLog? _log;

    private PredictionLog Log => _log ??= new PredictionLog(Database);

    private DeployActivities Canary => new(Models, Audit, new CanaryObserver(Log), TimeProvider.System);

    private async Task<(ModelVersion Version, IReadOnlyList<LedgerEntryRef> Approvals)> RegisteredAsync(string runId, char digest)
    {
        var version = await Activity("wf-" + runId, "9").RunAsync(() =>
            new RegistryActivities(Models, Audit, new AuditReadModels(Database)).RegisterAsync(DeployFixture.Register(runId, _model, DeployFixture.Digest(digest))));
        return (version, [await DeployFixture.SignAsync(Ledger, runId, "alice"), await DeployFixture.SignAsync(Ledger, runId, "bob")]);
    }

    private async Task<DeploymentOutcome> DeployAsync(string runId, ModelVersion version, IReadOnlyList<LedgerEntryRef> approvals, CanaryPolicy? policy = null) =>
        await Activity("wf-" + runId, "14").RunAsync(() => Canary.DeployAsync(new(runId, version, policy ?? Policy, approvals)));

    /// <summary>Waits (with a deadline) until the canary of <paramref name="version"/> is recorded, then sends traffic.</summary>
    private async Task WhenCanaryRecordedAsync(int version)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        while (!(await Ledger.ReadStreamAsync(AuditStreams.Model(_model), cancellationToken: Token)).Any(e => e.Data is ModelDeployed d && d.Version == version))
        {
            DateTimeOffset.UtcNow.ShouldBeLessThan(deadline, "the canary was never recorded");
            await Task.Delay(20, Token);
        }
    }

    /// <summary>Deploys v1 as the first version, with enough canary traffic to judge it (a first deployment needs it too).</summary>
    private async Task<DeploymentOutcome> FirstProductionAsync()
    {
        var (v1, approvals) = await RegisteredAsync("run-1", 'a');
        var deploying = DeployAsync("run-1", v1, approvals, Policy with { Window = TimeSpan.FromMilliseconds(300), MaxExtension = TimeSpan.FromSeconds(20) });
        await WhenCanaryRecordedAsync(1);
        await DeployFixture.LogTrafficAsync(Log, _model, 1, 25);
        return await deploying;
    }

    [Fact]
    public async Task Deploy_FirstVersionWithZeroTraffic_IsRolledBackNotPromoted()
    {
        var (v1, approvals) = await RegisteredAsync("run-1", 'a');

        var outcome = await DeployAsync("run-1", v1, approvals, Policy with { Window = TimeSpan.FromMilliseconds(300) });

        outcome.Promoted.ShouldBeFalse();
        (outcome.CanaryRequests, outcome.ProductionRequests).ShouldBe((0, 0));
        outcome.Reason.ShouldStartWith("insufficient evidence: too little traffic to judge the canary: canary 0 of 20 requests needed, no production version (first deployment)");
        var entries = await Ledger.ReadStreamAsync(AuditStreams.Model(_model), cancellationToken: Token);
        entries.Select(e => e.Data).OfType<ModelPromoted>().ShouldBeEmpty();
        entries.Select(e => e.Data).OfType<ModelRolledBack>().ShouldHaveSingleItem().ToVersion.ShouldBe(0);
    }

    [Fact]
    public async Task Deploy_CanaryWithZeroTrafficBesideProduction_IsRolledBackToProduction()
    {
        (await FirstProductionAsync()).Promoted.ShouldBeTrue();
        var (v2, approvals) = await RegisteredAsync("run-2", 'b');

        var outcome = await DeployAsync("run-2", v2, approvals, Policy with { Window = TimeSpan.FromMilliseconds(300) });

        outcome.Promoted.ShouldBeFalse();
        outcome.Reason.ShouldContain("canary 0 of 20 requests needed, production 0 of 20");
        var registry = (await new AuditReadModels(Database).ModelAsync(AuditStreams.Model(_model), Token)).ShouldNotBeNull();
        registry.Aliases[ModelState.ProductionAlias].Version.ShouldBe(1);
    }

    [Fact]
    public async Task Deploy_TooLittleTrafficUnderAHoldPolicy_HoldsTheCanaryForAPerson()
    {
        var (v1, approvals) = await RegisteredAsync("run-1", 'a');

        var outcome = await DeployAsync("run-1", v1, approvals,
            Policy with { Window = TimeSpan.FromMilliseconds(300), OnInsufficientEvidence = InsufficientEvidenceAction.Hold });

        outcome.Promoted.ShouldBeFalse();
        outcome.Held.ShouldBeTrue();
        outcome.Reason.ShouldStartWith("canary held for a person's decision: insufficient evidence");
        var again = await DeployAsync("run-1", v1, approvals, Policy with { Window = TimeSpan.FromMilliseconds(300), OnInsufficientEvidence = InsufficientEvidenceAction.Hold });
        again.ShouldBe(outcome);
        var entries = await Ledger.ReadStreamAsync(AuditStreams.Model(_model), cancellationToken: Token);
        entries.Select(e => e.Data).OfType<CanaryHeld>().ShouldHaveSingleItem().MinRequests.ShouldBe(20);
        entries.Select(e => e.Data).OfType<ModelRolledBack>().ShouldBeEmpty();
        var registry = (await new AuditReadModels(Database).ModelAsync(AuditStreams.Model(_model), Token)).ShouldNotBeNull();
        registry.Aliases[ModelState.ProductionAlias].CanaryVersion.ShouldBe(1);
        registry.Versions.Single(v => v.Version == 1).CanaryHeld.ShouldNotBeNull();
    }

    [Fact]
    public async Task Deploy_HealthyCanary_PromotesSupersedingProductionOnce()
    {
        (await FirstProductionAsync()).Promoted.ShouldBeTrue();
        var (v2, approvals) = await RegisteredAsync("run-2", 'b');

        var deploying = DeployAsync("run-2", v2, approvals);
        await WhenCanaryRecordedAsync(2);
        await DeployFixture.LogTrafficAsync(Log, _model, 1, 40);
        await DeployFixture.LogTrafficAsync(Log, _model, 2, 30);
        var outcome = await deploying;
        var again = await DeployAsync("run-2", v2, approvals);

        outcome.Promoted.ShouldBeTrue(outcome.Reason);
        outcome.Superseded.ShouldBe(1);
        outcome.Reason.ShouldContain("canary 30 requests, 0 errors");
        again.Promoted.ShouldBeTrue();
        again.Superseded.ShouldBe(1);
        var entries = await Ledger.ReadStreamAsync(AuditStreams.Model(_model), cancellationToken: Token);
        entries.Count(e => e.Data is ModelPromoted p && p.Version == 2).ShouldBe(1);
        entries.Count(e => e.Data is ModelDeployed d && d.Version == 2).ShouldBe(1);
        var approved = entries.Single(e => e.Data is ModelVersionApproved a && a.Version == 2);
        approved.Data.ShouldBeOfType<ModelVersionApproved>().Approvals.Select(a => a.StreamId).ShouldAllBe(s => s == AuditStreams.Run("run-2"));
        entries.Single(e => e.Data is ModelPromoted p && p.Version == 2).Context.CausationId.ShouldBe($"ledger:{approved.StreamId}@{approved.Version}#{approved.Hash}");
        var registry = (await new AuditReadModels(Database).ModelAsync(AuditStreams.Model(_model), Token)).ShouldNotBeNull();
        registry.Aliases[ModelState.ProductionAlias].Version.ShouldBe(2);
        registry.Aliases[ModelState.ProductionAlias].CanaryVersion.ShouldBeNull();
    }

    [Fact]
    public async Task Deploy_FailingCanary_RollsBackToProductionOnce()
    {
        (await FirstProductionAsync()).Promoted.ShouldBeTrue();
        var (v2, approvals) = await RegisteredAsync("run-2", 'b');

        var deploying = DeployAsync("run-2", v2, approvals, Policy with { Window = TimeSpan.FromMinutes(5) });
        await WhenCanaryRecordedAsync(2);
        await DeployFixture.LogTrafficAsync(Log, _model, 1, 40);
        await DeployFixture.LogTrafficAsync(Log, _model, 2, 30, errors: 6);
        var outcome = await deploying;
        var again = await DeployAsync("run-2", v2, approvals);

        outcome.Promoted.ShouldBeFalse();
        outcome.Reason.ShouldContain("error rate 20.0% (6/30)");
        (outcome.CanaryRequests, outcome.ProductionRequests).ShouldBe((30, 40));
        // A repeat answers from the ledger: the same decision and reason (the counts are in the reason's figures).
        (again.Promoted, again.Reason, again.Superseded).ShouldBe((outcome.Promoted, outcome.Reason, outcome.Superseded));
        var entries = await Ledger.ReadStreamAsync(AuditStreams.Model(_model), cancellationToken: Token);
        var rolledBack = entries.Select(e => e.Data).OfType<ModelRolledBack>().ShouldHaveSingleItem();
        (rolledBack.FromVersion, rolledBack.ToVersion).ShouldBe((2, 1));
        entries.Count(e => e.Data is ModelPromoted p && p.Version == 2).ShouldBe(0);
        var registry = (await new AuditReadModels(Database).ModelAsync(AuditStreams.Model(_model), Token)).ShouldNotBeNull();
        registry.Aliases[ModelState.ProductionAlias].Version.ShouldBe(1);
        registry.Aliases[ModelState.ProductionAlias].CanaryVersion.ShouldBeNull();
    }

    [Fact]
    public async Task Deploy_ShiftedCanaryPredictions_RollsBack()
    {
        (await FirstProductionAsync()).Promoted.ShouldBeTrue();
        var (v2, approvals) = await RegisteredAsync("run-2", 'b');

        var deploying = DeployAsync("run-2", v2, approvals);
        await WhenCanaryRecordedAsync(2);
        await DeployFixture.LogTrafficAsync(Log, _model, 1, 40, label: "circle");
        await DeployFixture.LogTrafficAsync(Log, _model, 2, 30, label: "square");
        var outcome = await deploying;

        outcome.Promoted.ShouldBeFalse();
        outcome.Reason.ShouldContain("distribution shift PSI");
    }

    [Fact]
    public async Task Deploy_RejectingOrForeignSignature_RefusesWithoutAliasChange()
    {
        var (v1, _) = await RegisteredAsync("run-1", 'a');
        var rejecting = await DeployFixture.SignAsync(Ledger, "run-1", "carol", ApprovalDecision.Reject);
        var foreign = await DeployFixture.SignAsync(Ledger, "run-other", "dave");

        var rejected = await Should.ThrowAsync<ApplicationFailureException>(() => DeployAsync("run-1", v1, [rejecting]));
        var wrongRun = await Should.ThrowAsync<ApplicationFailureException>(() => DeployAsync("run-1", v1, [foreign]));
        var none = await Should.ThrowAsync<ApplicationFailureException>(() => DeployAsync("run-1", v1, []));

        rejected.ErrorType.ShouldBe("IntegrityViolation");
        wrongRun.ErrorType.ShouldBe("IntegrityViolation");
        none.ErrorType.ShouldBe("PolicyViolation");
        (await Ledger.ReadStreamAsync(AuditStreams.Model(_model), cancellationToken: Token)).Select(e => e.Data).Where(d => d is ModelDeployed || d is ModelVersionApproved).ShouldBeEmpty();
    }

    public new async ValueTask DisposeAsync()
    {
        _log?.Dispose();
        await base.DisposeAsync();
    }
}
