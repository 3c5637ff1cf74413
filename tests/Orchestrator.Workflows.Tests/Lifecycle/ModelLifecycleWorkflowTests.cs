using Orchestrator.Testing.Temporal;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Ledger;
using Orchestrator.Workflows.Lifecycle;
using Temporalio.Client;
using Temporalio.Exceptions;
using Kind = Orchestrator.Workflows.Ledger.IRunLedgerActivities.ApprovalOutcomeKind;

namespace Orchestrator.Workflows.Tests.Lifecycle;

public sealed class ModelLifecycleWorkflowTests(TemporalEnvironment env) : IClassFixture<TemporalEnvironment>
{
    private readonly FakeStageActivities _fakes = new();
    private readonly string _runId = Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Run_TwoDistinctApprovers_DeploysAndRecordsStagesInOrder()
    {
        await LifecycleHarness.RunAsync(env, _fakes, async () =>
        {
            var handle = await LifecycleHarness.StartAsync(env, _fakes, _runId);
            var pending = await LifecycleHarness.ApprovalOpenAsync(handle);
            pending.ApprovalsStillNeeded.ShouldBe(2);
            pending.EvidenceDigest.ShouldBe(FakeStageActivities.EvidenceDigest);

            await handle.SignalAsync(wf => wf.SubmitApprovalAsync(_fakes.Sign("bob", 11)));
            await handle.SignalAsync(wf => wf.SubmitApprovalAsync(_fakes.Sign("carol", 12)));
            var result = await handle.GetResultAsync();

            result.Outcome.ShouldBe(RunOutcome.Completed);
            result.Model!.Version.ShouldBe(3);
            var status = await handle.QueryAsync(wf => wf.Status());
            status.Stages.Select(s => s.Stage).ShouldBe([
                Stages.Acquire, Stages.Annotate, Stages.QualityControl, Stages.Train, Stages.Export, Stages.Evaluate,
                Stages.Register, Stages.Approval, Stages.Deploy]);
            _fakes.ApprovalOutcomes.Select(o => o.Kind).ShouldBe([Kind.Accepted]);
            _fakes.Calls.First().ShouldBe("LoadPolicy");
            _fakes.Calls.Last().ShouldBe(IRunLedgerActivities.RecordEndedName);
            var handOver = _fakes.HandOvers.ShouldHaveSingleItem();
            handOver.Change.Production.Version.ShouldBe(3);
            handOver.Change.Production.RunId.ShouldBe(_runId);
            handOver.Change.Production.CheckpointDigest.ShouldBe("sha256:checkpoint");
            handOver.Change.Previous.ShouldBeNull();
        });
    }

    [Fact]
    public async Task Run_WithBaseModel_TrainGetsThePinnedBaseModel()
    {
        var baseModel = new Orchestrator.Workflows.Train.BaseModelRef("resnet18-imagenet", "sha256:" + new string('b', 64));
        var input = LifecycleHarness.Input(_runId, _fakes.Queues) with { BaseModel = baseModel };
        await LifecycleHarness.RunAsync(env, _fakes, async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((ModelLifecycleWorkflow wf) => wf.RunAsync(input),
                new WorkflowOptions($"run-{_runId}", _fakes.Queues.Default) { RunTimeout = TimeSpan.FromDays(30) });
            await LifecycleHarness.ApprovalOpenAsync(handle);

            _fakes.TrainInput!.BaseModel.ShouldBe(baseModel);
            _fakes.TrainInput.BaseCheckpointDigest.ShouldBeNull();
            await handle.CancelAsync();
        });
    }

    [Fact]
    public async Task Approval_RequesterSignsOwnRun_RefusedRecordedAndStillWaiting()
    {
        await LifecycleHarness.RunAsync(env, _fakes, async () =>
        {
            var handle = await LifecycleHarness.StartAsync(env, _fakes, _runId);
            await LifecycleHarness.ApprovalOpenAsync(handle);

            await handle.SignalAsync(wf => wf.SubmitApprovalAsync(_fakes.Sign("alice", 11)));
            var status = await LifecycleHarness.UntilAsync(handle, s => s.Approval!.Refusals.Count == 1);

            status.Approval!.Refusals.Single().ShouldContain("requested this run");
            status.Approval.ApprovalsStillNeeded.ShouldBe(2);
            _fakes.ApprovalOutcomes.Single().Kind.ShouldBe(Kind.Refused);
            await handle.CancelAsync();
        });
    }

    [Fact]
    public async Task Approval_StaleEvidenceAndDuplicateSignals_OnlyValidDistinctApprovalsCount()
    {
        await LifecycleHarness.RunAsync(env, _fakes, async () =>
        {
            var handle = await LifecycleHarness.StartAsync(env, _fakes, _runId);
            await LifecycleHarness.ApprovalOpenAsync(handle);
            var bob = _fakes.Sign("bob", 11);

            await handle.SignalAsync(wf => wf.SubmitApprovalAsync(bob));
            await handle.SignalAsync(wf => wf.SubmitApprovalAsync(bob));
            var stale = _fakes.Sign("dave", 12, evidence: "sha256:old-evidence");
            await handle.SignalAsync(wf => wf.SubmitApprovalAsync(stale));
            var status = await LifecycleHarness.UntilAsync(handle, s => s.Approval!.Refusals.Count == 1 && s.Approval.Approvers.Count == 1);

            status.Approval!.ApprovalsStillNeeded.ShouldBe(1);
            status.Approval.Refusals.Single().ShouldContain("sha256:old-evidence");
            await handle.SignalAsync(wf => wf.SubmitApprovalAsync(_fakes.Sign("carol", 13)));
            (await handle.GetResultAsync()).Outcome.ShouldBe(RunOutcome.Completed);
        });
    }

    [Fact]
    public async Task Approval_UnconfirmableLedgerEntry_RefusedNotTrusted()
    {
        await LifecycleHarness.RunAsync(env, _fakes, async () =>
        {
            var handle = await LifecycleHarness.StartAsync(env, _fakes, _runId);
            await LifecycleHarness.ApprovalOpenAsync(handle);

            await handle.SignalAsync(wf => wf.SubmitApprovalAsync(new LedgerEntryRef("run", 99, "forged")));
            var status = await LifecycleHarness.UntilAsync(handle, s => s.Approval!.Refusals.Count == 1);

            status.Approval!.Refusals.Single().ShouldContain("could not be confirmed");
            await handle.CancelAsync();
        });
    }

    [Fact]
    public async Task Approval_Rejected_RunFailsAtApproval()
    {
        await LifecycleHarness.RunAsync(env, _fakes, async () =>
        {
            var handle = await LifecycleHarness.StartAsync(env, _fakes, _runId);
            await LifecycleHarness.ApprovalOpenAsync(handle);

            await handle.SignalAsync(wf => wf.SubmitApprovalAsync(_fakes.Sign("bob", 11, ApprovalDecision.Reject)));
            var result = await handle.GetResultAsync();

            result.Outcome.ShouldBe(RunOutcome.Failed);
            result.Stage.ShouldBe(Stages.Approval);
            result.Reason.ShouldContain("rejected by bob");
            _fakes.Ended!.Outcome.ShouldBe(RunOutcome.Failed);
        });
    }

    [Fact]
    public async Task QualityGate_FailsTwice_LoopsBackOnceThenFailsTheRun()
    {
        _fakes.QcVerdicts.Enqueue(false);
        _fakes.QcVerdicts.Enqueue(false);
        await LifecycleHarness.RunAsync(env, _fakes, async () =>
        {
            var handle = await LifecycleHarness.StartAsync(env, _fakes, _runId);
            var result = await handle.GetResultAsync();

            result.Outcome.ShouldBe(RunOutcome.Failed);
            result.Stage.ShouldBe(Stages.QualityControl);
            result.Reason.ShouldContain("Fleiss' kappa");
            _fakes.Calls.Count(c => c == "Annotate").ShouldBe(2);
            _fakes.Calls.ShouldNotContain("Train");
        });
    }

    [Fact]
    public async Task EvaluationGate_Fails_RunFailsWithReasonsAndNoApprovalRequested()
    {
        _fakes.EvaluationPasses = false;
        await LifecycleHarness.RunAsync(env, _fakes, async () =>
        {
            var result = await (await LifecycleHarness.StartAsync(env, _fakes, _runId)).GetResultAsync();

            result.Stage.ShouldBe(Stages.Evaluate);
            result.Reason.ShouldContain("accuracy 0.71");
            _fakes.Calls.ShouldNotContain(IRunLedgerActivities.RequestApprovalName);
            _fakes.Ended!.Stage.ShouldBe(Stages.Evaluate);
        });
    }

    [Fact]
    public async Task Train_NonRetryableFailure_WorkflowFailsAndRecordsTheStage()
    {
        _fakes.TrainFailure = "dataset has a single class";
        await LifecycleHarness.RunAsync(env, _fakes, async () =>
        {
            var handle = await LifecycleHarness.StartAsync(env, _fakes, _runId);

            var error = await Should.ThrowAsync<WorkflowFailedException>(() => handle.GetResultAsync());

            error.InnerException!.Message.ShouldContain("dataset has a single class");
            _fakes.Ended!.Outcome.ShouldBe(RunOutcome.Failed);
            _fakes.Ended.Stage.ShouldBe(Stages.Train);
            _fakes.Calls.Count(c => c == "Train").ShouldBe(1);
        });
    }

    [Fact]
    public async Task Cancel_DuringTraining_CancelsActivityAndRecordsCancellation()
    {
        _fakes.TrainBlocksUntilCancelled = true;
        await LifecycleHarness.RunAsync(env, _fakes, async () =>
        {
            var handle = await LifecycleHarness.StartAsync(env, _fakes, _runId);
            await _fakes.TrainStarted.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

            await handle.CancelAsync();
            var error = await Should.ThrowAsync<WorkflowFailedException>(() => handle.GetResultAsync());

            error.InnerException.ShouldBeOfType<CanceledFailureException>();
            _fakes.Ended!.Outcome.ShouldBe(RunOutcome.Cancelled);
            _fakes.Ended.Stage.ShouldBe(Stages.Train);
            // The run is recorded as cancelled only after training acknowledged the cancellation.
            var calls = _fakes.Calls.ToList();
            calls.IndexOf(FakeStageActivities.TrainCancelledCall).ShouldBeGreaterThan(-1);
            calls.IndexOf(FakeStageActivities.TrainCancelledCall).ShouldBeLessThan(calls.LastIndexOf(IRunLedgerActivities.RecordEndedName));
        });
    }
}
