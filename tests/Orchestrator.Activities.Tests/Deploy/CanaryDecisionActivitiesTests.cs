using Orchestrator.Activities.Deploy;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Projections;
using Orchestrator.Operations.Models;
using Orchestrator.Operations.Serving;
using Orchestrator.Testing;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Deploy;
using Orchestrator.Workflows.Policies;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Tests.Deploy;

/// <summary>A first deployment with no traffic, held, then decided by a person through the real ledger (ADR 0040).</summary>
public sealed class CanaryDecisionActivitiesTests(PostgresDatabase database) : LedgerTestBase(database), IClassFixture<PostgresDatabase>
{
    private static readonly CanaryPolicy Hold = new(0.1, TimeSpan.FromMilliseconds(300), MinRequests: 20, OnInsufficientEvidence: InsufficientEvidenceAction.Hold);
    private readonly string _model = "held-" + Guid.NewGuid().ToString("N")[..8];

    private CanaryDecisionActivities Decisions => new(Models, Audit, TimeProvider.System);

    private async Task<(ModelVersion Version, DeploymentOutcome Held)> HeldFirstDeploymentAsync()
    {
        var version = await Activity("wf-run-1", "9").RunAsync(() =>
            new RegistryActivities(Models, Audit, new AuditReadModels(Database)).RegisterAsync(DeployFixture.Register("run-1", _model, DeployFixture.Digest('a'))));
        IReadOnlyList<LedgerEntryRef> approvals = [await DeployFixture.SignAsync(Ledger, "run-1", "alice"), await DeployFixture.SignAsync(Ledger, "run-1", "bob")];
        var deploy = new DeployActivities(Models, Audit, new CanaryObserver(new PredictionLog(Database)), TimeProvider.System);
        var held = await Activity("wf-run-1", "14").RunAsync(() => deploy.DeployAsync(new("run-1", version, Hold, approvals)));
        return (version, held);
    }

    private async Task<LedgerEntryRef> SignAsync(string approver, string decision, string digest)
    {
        var context = new AuditContext(Actor.User(approver, "approver"), new Correlation("model-lifecycle-run-1", "run-1"), null, []);
        var entry = await Ledger.AppendAsync(AuditStreams.Run("run-1"), new CanaryDecisionSigned(approver, ["approver"], decision, "errors are zero", digest), context,
            $"canary-decision/{approver}", Token);
        return new LedgerEntryRef(entry.StreamId, entry.Version, entry.Hash);
    }

    [Fact]
    public async Task Resolve_ZeroTrafficFirstDeploymentHeldThenPromotedByAPerson_ProductionWithThePersonAndCountsRecorded()
    {
        var (version, held) = await HeldFirstDeploymentAsync();
        held.Held.ShouldBeTrue();
        held.Promoted.ShouldBeFalse();
        (held.CanaryRequests, held.ProductionRequests).ShouldBe((0, 0));

        var request = await Activity("wf-run-1", "20").RunAsync(() => Decisions.RequestDecisionAsync(new("run-1", version, held, DateTimeOffset.UtcNow.AddDays(1))));
        var entry = await SignAsync("dave", "promote", request.EvidenceDigest);
        var signed = await Activity("wf-run-1", "21").RunAsync(() => Decisions.ConfirmDecisionAsync(new("run-1", entry)));
        var resolve = new ICanaryDecisionActivities.ResolveInput("run-1", version, signed.Decision, signed.Reason, signed.Approver, entry, held.CanaryRequests, held.ProductionRequests);
        var outcome = await Activity("wf-run-1", "22").RunAsync(() => Decisions.ResolveAsync(resolve));
        var again = await Activity("wf-run-1", "22", attempt: 2).RunAsync(() => Decisions.ResolveAsync(resolve));

        (signed.Approver, signed.Decision, signed.EvidenceDigest).ShouldBe(("dave", CanaryDecisionKind.Promote, request.EvidenceDigest));
        outcome.Promoted.ShouldBeTrue();
        outcome.Reason.ShouldBe("held canary promoted by dave: errors are zero (canary 0 requests, production 0)");
        again.Promoted.ShouldBeTrue();
        var model = await Ledger.ReadStreamAsync(AuditStreams.Model(_model), cancellationToken: Token);
        var resolved = model.Select(e => e.Data).OfType<CanaryHoldResolved>().ShouldHaveSingleItem();
        (resolved.DecidedBy, resolved.Decision, resolved.CanaryRequests, resolved.Signature!.Version).ShouldBe(("dave", "promote", 0, entry.Version));
        model.Count(e => e.Data is ModelPromoted).ShouldBe(1);
        var run = await Ledger.ReadStreamAsync(AuditStreams.Run("run-1"), cancellationToken: Token);
        run.Select(e => e.Data).OfType<CanaryDecisionRequested>().ShouldHaveSingleItem().EvidenceDigest.ShouldBe(request.EvidenceDigest);
        var registry = (await new AuditReadModels(Database).ModelAsync(AuditStreams.Model(_model), Token)).ShouldNotBeNull();
        registry.Aliases[ModelState.ProductionAlias].Version.ShouldBe(version.Version);
        registry.Versions.Single().CanaryHeld.ShouldBeNull();
    }

    [Fact]
    public async Task Confirm_EntryWrittenByTheServiceNotTheApprover_RefusedAsAnIntegrityViolation()
    {
        var worker = new AuditContext(Actor.Service("orchestrator-worker", "w@host"), new Correlation("model-lifecycle-run-1", "run-1"), null, []);
        var forged = await Ledger.AppendAsync(AuditStreams.Run("run-1"), new CanaryDecisionSigned("dave", ["approver"], "promote", "ok", "sha256:x"), worker, "forged", Token);

        var refused = await Should.ThrowAsync<ApplicationFailureException>(() => Activity("wf-run-1", "21").RunAsync(() =>
            Decisions.ConfirmDecisionAsync(new("run-1", new LedgerEntryRef(forged.StreamId, forged.Version, forged.Hash)))));

        refused.ErrorType.ShouldBe("IntegrityViolation");
    }
}
