using Orchestrator.Testing.Temporal;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Ledger;
using Orchestrator.Workflows.Lifecycle;
using Temporalio.Client;

namespace Orchestrator.Workflows.Tests.Lifecycle;

/// <summary>The quorum's explicit acceptance of deploying without a canary comparison reaches the deploy activity only when every approver accepted (ADR 0044).</summary>
public sealed class NoCanaryComparisonWorkflowTests(TemporalEnvironment env) : IClassFixture<TemporalEnvironment>
{
    private readonly FakeStageActivities _fakes = new();
    private readonly string _runId = Guid.NewGuid().ToString("N");

    private static Task<ApprovalJudgement> Approve(WorkflowHandle<ModelLifecycleWorkflow, ModelLifecycleWorkflow.Result> handle, LedgerEntryRef entry) =>
        handle.ExecuteUpdateAsync(wf => wf.JudgeApprovalAsync(entry), new WorkflowUpdateOptions($"approval-{entry.Version}"));

    [Fact]
    public async Task Approval_EveryApproverAcceptsNoCanaryComparison_DeployReceivesTheAcceptanceAndTheRunRecordsIt()
    {
        _fakes.StreamId = $"run-{_runId}";
        await LifecycleHarness.RunAsync(env, _fakes, async () =>
        {
            var handle = await LifecycleHarness.StartAsync(env, _fakes, _runId);
            await LifecycleHarness.ApprovalOpenAsync(handle);

            var bob = await Approve(handle, _fakes.SignAcceptingNoCanaryComparison("bob", 11));
            var carol = await Approve(handle, _fakes.SignAcceptingNoCanaryComparison("carol", 13));
            var result = await handle.GetResultAsync();

            bob.Outcome.ShouldBe(ApprovalJudgements.Counted);
            carol.Outcome.ShouldBe(ApprovalJudgements.Approved);
            var deploy = _fakes.DeployInputs.ShouldHaveSingleItem();
            // The approvals deployed on are the ApprovalSigned entries; the acceptance entries travel beside them.
            deploy.Approvals.ShouldBe([new LedgerEntryRef(_fakes.StreamId, 11, "hash-11"), new LedgerEntryRef(_fakes.StreamId, 13, "hash-13")]);
            var accepted = deploy.NoCanaryComparison.ShouldNotBeNull();
            accepted.AcceptedBy.ShouldBe(["bob", "carol"]);
            accepted.Entries.ShouldBe([new LedgerEntryRef(_fakes.StreamId, 12, "hash-12"), new LedgerEntryRef(_fakes.StreamId, 14, "hash-14")]);
            result.Outcome.ShouldBe(RunOutcome.Completed);
            result.Reason.ShouldStartWith("deployed without a canary comparison, accepted by bob, carol");
        });
    }

    [Fact]
    public async Task Approval_OneApproverDidNotAccept_DeployGetsNoAcceptance()
    {
        _fakes.StreamId = $"run-{_runId}";
        await LifecycleHarness.RunAsync(env, _fakes, async () =>
        {
            var handle = await LifecycleHarness.StartAsync(env, _fakes, _runId);
            await LifecycleHarness.ApprovalOpenAsync(handle);

            await Approve(handle, _fakes.SignAcceptingNoCanaryComparison("bob", 11));
            await Approve(handle, _fakes.Sign("carol", 13));
            var result = await handle.GetResultAsync();

            _fakes.DeployInputs.ShouldHaveSingleItem().NoCanaryComparison.ShouldBeNull();
            result.Reason.ShouldBe("canary healthy");
        });
    }
}
