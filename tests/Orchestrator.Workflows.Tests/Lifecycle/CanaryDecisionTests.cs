using Orchestrator.Testing.Temporal;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Deploy;
using Orchestrator.Workflows.Ledger;
using Orchestrator.Workflows.Lifecycle;
using Temporalio.Client;
using Temporalio.Exceptions;
using Kind = Orchestrator.Workflows.Ledger.IRunLedgerActivities.ApprovalOutcomeKind;

namespace Orchestrator.Workflows.Tests.Lifecycle;

/// <summary>A canary held for too little traffic waits for a person's signed decision (ADR 0040).</summary>
public sealed class CanaryDecisionTests(TemporalEnvironment env) : IClassFixture<TemporalEnvironment>
{
    private readonly FakeStageActivities _fakes = new() { DeploymentHolds = true };
    private readonly string _runId = Guid.NewGuid().ToString("N");

    private static Task<ApprovalJudgement> Decide(WorkflowHandle<ModelLifecycleWorkflow, ModelLifecycleWorkflow.Result> handle, LedgerEntryRef entry) =>
        handle.ExecuteUpdateAsync(wf => wf.JudgeCanaryDecisionAsync(entry), new WorkflowUpdateOptions($"canary-decision-{entry.Version}"));

    private async Task<WorkflowHandle<ModelLifecycleWorkflow, ModelLifecycleWorkflow.Result>> HeldAsync()
    {
        var handle = await LifecycleHarness.StartAsync(env, _fakes, _runId);
        await LifecycleHarness.ApprovalOpenAsync(handle);
        await handle.SignalAsync(wf => wf.SubmitApprovalAsync(_fakes.Sign("bob", 11)));
        await handle.SignalAsync(wf => wf.SubmitApprovalAsync(_fakes.Sign("carol", 12)));
        await LifecycleHarness.UntilAsync(handle, s => s.CanaryDecision is not null);
        return handle;
    }

    [Fact]
    public async Task CanaryDecision_HeldThenApproverPromotes_RunCompletesWithThePersonAndCounts()
    {
        _fakes.StreamId = $"run-{_runId}";
        await LifecycleHarness.RunAsync(env, _fakes, async () =>
        {
            var handle = await HeldAsync();
            var held = (await handle.QueryAsync(wf => wf.Status())).CanaryDecision!;

            var judgement = await Decide(handle, _fakes.SignCanary("dave", 21, CanaryDecisionKind.Promote));
            var result = await handle.GetResultAsync();

            (held.CanaryRequests, held.ProductionRequests, held.EvidenceDigest).ShouldBe((3, 0, FakeStageActivities.CanaryEvidenceDigest));
            judgement.Outcome.ShouldBe(CanaryDecisionErrors.Decided);
            result.Outcome.ShouldBe(RunOutcome.Completed);
            result.Reason.ShouldContain("promoted by dave");
            var resolved = _fakes.Resolutions.ShouldHaveSingleItem();
            (resolved.Decision, resolved.DecidedBy, resolved.CanaryRequests, resolved.ProductionRequests).ShouldBe((CanaryDecisionKind.Promote, "dave", 3, 0));
            resolved.Signature.ShouldBe(new LedgerEntryRef(_fakes.StreamId, 21, "hash-21"));
            (await handle.QueryAsync(wf => wf.Status())).Stages.Single(s => s.Stage == Stages.CanaryDecision).Outcome.ShouldBe("promoted");
            _fakes.HandOvers.ShouldHaveSingleItem();
        });
    }

    [Fact]
    public async Task CanaryDecision_RequesterAndIneligibleRefused_StillHeldUntilAnEligibleRollback()
    {
        _fakes.StreamId = $"run-{_runId}";
        await LifecycleHarness.RunAsync(env, _fakes, async () =>
        {
            var handle = await HeldAsync();

            var requester = await Decide(handle, _fakes.SignCanary("Alice", 21, CanaryDecisionKind.Promote));
            var ineligible = await Decide(handle, _fakes.SignCanary("erin", 22, CanaryDecisionKind.Promote, roles: "viewer"));
            var stale = await Decide(handle, _fakes.SignCanary("frank", 23, CanaryDecisionKind.Promote, evidence: "sha256:other"));
            var stillHeld = (await handle.QueryAsync(wf => wf.Status())).CanaryDecision;
            var rollback = await Decide(handle, _fakes.SignCanary("dave", 24, CanaryDecisionKind.Rollback));
            var result = await handle.GetResultAsync();

            requester.Outcome.ShouldBe(ApprovalJudgements.Refused);
            requester.Explanation.ShouldContain("requested this run");
            ineligible.Outcome.ShouldBe(ApprovalJudgements.Refused);
            stale.Outcome.ShouldBe(ApprovalJudgements.Refused);
            stillHeld.ShouldNotBeNull().Refusals.Count.ShouldBe(3);
            rollback.Outcome.ShouldBe(CanaryDecisionErrors.Decided);
            result.Outcome.ShouldBe(RunOutcome.Failed);
            result.Stage.ShouldBe(Stages.Deploy);
            result.Reason.ShouldContain("rolled back by dave");
            _fakes.ApprovalOutcomes.Where(o => o.Kind == Kind.Refused).Select(o => o.Rule).ShouldBe(["separation-of-duties", "not-eligible", "stale-evidence"]);
            _fakes.Resolutions.ShouldHaveSingleItem().Decision.ShouldBe(CanaryDecisionKind.Rollback);
            _fakes.HandOvers.ShouldBeEmpty();
        });
    }

    [Fact]
    public async Task CanaryDecision_BeforeAnyHold_RefusedByTheValidator()
    {
        _fakes.StreamId = $"run-{_runId}";
        await LifecycleHarness.RunAsync(env, _fakes, async () =>
        {
            var handle = await LifecycleHarness.StartAsync(env, _fakes, _runId);
            await LifecycleHarness.ApprovalOpenAsync(handle);

            var refused = await Should.ThrowAsync<WorkflowUpdateFailedException>(() => Decide(handle, _fakes.SignCanary("dave", 21, CanaryDecisionKind.Promote)));

            refused.InnerException.ShouldBeOfType<ApplicationFailureException>().ErrorType.ShouldBe(CanaryDecisionErrors.NotHeld);
            _fakes.Calls.ShouldNotContain(ICanaryDecisionActivities.ConfirmName);
            await handle.CancelAsync();
        });
    }
}
