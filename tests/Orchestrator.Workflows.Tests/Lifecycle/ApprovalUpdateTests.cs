using Orchestrator.Testing.Temporal;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Ledger;
using Orchestrator.Workflows.Lifecycle;
using Temporalio.Client;
using Temporalio.Exceptions;
using Kind = Orchestrator.Workflows.Ledger.IRunLedgerActivities.ApprovalOutcomeKind;

namespace Orchestrator.Workflows.Tests.Lifecycle;

/// <summary>Approvals as workflow updates (ADR 0022): the approver's answer is the workflow's judgement; a refusal leaves the request open.</summary>
public sealed class ApprovalUpdateTests(TemporalEnvironment env) : IClassFixture<TemporalEnvironment>
{
    private readonly FakeStageActivities _fakes = new();
    private readonly string _runId = Guid.NewGuid().ToString("N");

    private static Task<ApprovalJudgement> Judge(WorkflowHandle<ModelLifecycleWorkflow, ModelLifecycleWorkflow.Result> handle, LedgerEntryRef entry) =>
        handle.ExecuteUpdateAsync(wf => wf.JudgeApprovalAsync(entry), new WorkflowUpdateOptions($"approval-{entry.Version}"));

    [Fact]
    public async Task JudgeApproval_BobTwiceThenCarol_CountedRefusedApprovedAndTheRunCompletes()
    {
        _fakes.StreamId = $"run-{_runId}";
        await LifecycleHarness.RunAsync(env, _fakes, async () =>
        {
            var handle = await LifecycleHarness.StartAsync(env, _fakes, _runId);
            await LifecycleHarness.ApprovalOpenAsync(handle);

            var first = await Judge(handle, _fakes.Sign("bob", 11));
            var second = await Judge(handle, _fakes.Sign("bob", 12));
            var carol = await Judge(handle, _fakes.Sign("carol", 13));
            var result = await handle.GetResultAsync();

            first.Outcome.ShouldBe(ApprovalJudgements.Counted);
            first.ApprovalsStillNeeded.ShouldBe(1);
            second.Outcome.ShouldBe(ApprovalJudgements.Refused);
            second.Explanation.ShouldContain("bob has already approved");
            second.ApprovalsStillNeeded.ShouldBe(1);
            carol.Outcome.ShouldBe(ApprovalJudgements.Approved);
            carol.Explanation.ShouldContain("approved by bob, carol");
            result.Outcome.ShouldBe(RunOutcome.Completed);
            _fakes.ApprovalOutcomes.Select(o => o.Kind).ShouldBe([Kind.Refused, Kind.Accepted]);
            var refused = _fakes.ApprovalOutcomes.First();
            (refused.Rule, refused.Approver).ShouldBe(("duplicate", "bob"));
        });
    }

    [Fact]
    public async Task JudgeApproval_SameUpdateIdAgain_ReturnsTheFirstJudgementOnce()
    {
        _fakes.StreamId = $"run-{_runId}";
        await LifecycleHarness.RunAsync(env, _fakes, async () =>
        {
            var handle = await LifecycleHarness.StartAsync(env, _fakes, _runId);
            await LifecycleHarness.ApprovalOpenAsync(handle);
            var bob = _fakes.Sign("bob", 11);

            var first = await Judge(handle, bob);
            var again = await Judge(handle, bob);

            (again.Outcome, again.Explanation, again.ApprovalsStillNeeded).ShouldBe((first.Outcome, first.Explanation, first.ApprovalsStillNeeded));
            first.Outcome.ShouldBe(ApprovalJudgements.Counted);
            (await handle.QueryAsync(wf => wf.Status())).Approval!.Refusals.ShouldBeEmpty();
            _fakes.Calls.Count(c => c == IRunLedgerActivities.ConfirmApprovalName).ShouldBe(1);
            await handle.CancelAsync();
        });
    }

    [Fact]
    public async Task JudgeApproval_RequesterAndRecordedContributor_RefusedCaseInsensitivelyAndStillWaiting()
    {
        _fakes.StreamId = $"run-{_runId}";
        await LifecycleHarness.RunAsync(env, _fakes, async () =>
        {
            var input = LifecycleHarness.Input(_runId, _fakes.Queues) with { Contributors = [new("alice", Contributions.Requester), new("Dora", Contributions.DatasetRegistrant)] };
            var handle = await env.Client.StartWorkflowAsync((ModelLifecycleWorkflow wf) => wf.RunAsync(input), new WorkflowOptions($"run-{_runId}", _fakes.Queues.Default));
            await LifecycleHarness.ApprovalOpenAsync(handle);

            var requester = await Judge(handle, _fakes.Sign("ALICE", 11));
            var registrant = await Judge(handle, _fakes.Sign("dora", 12));

            requester.Outcome.ShouldBe(ApprovalJudgements.Refused);
            requester.Explanation.ShouldContain("requested this run");
            registrant.Outcome.ShouldBe(ApprovalJudgements.Refused);
            registrant.Explanation.ShouldBe("dora registered this run's dataset and cannot approve it");
            var status = await handle.QueryAsync(wf => wf.Status());
            status.CurrentStage.ShouldBe(Stages.Approval);
            status.Approval!.ApprovalsStillNeeded.ShouldBe(2);
            _fakes.ApprovalOutcomes.Select(o => o.Rule).ShouldBe(["separation-of-duties", "separation-of-duties"]);
            await handle.CancelAsync();
        });
    }

    [Fact]
    public async Task ValidateApproval_BeforeTheApprovalStageOrForAnotherRun_RejectedWithoutHistory()
    {
        _fakes.StreamId = $"run-{_runId}";
        _fakes.PolicyGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await LifecycleHarness.RunAsync(env, _fakes, async () =>
        {
            var handle = await LifecycleHarness.StartAsync(env, _fakes, _runId);
            await _fakes.PolicyLoading.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

            var early = await Should.ThrowAsync<WorkflowUpdateFailedException>(() => Judge(handle, _fakes.Sign("bob", 11)));
            _fakes.PolicyGate.SetResult();
            await LifecycleHarness.ApprovalOpenAsync(handle);
            var elsewhere = await Should.ThrowAsync<WorkflowUpdateFailedException>(() => Judge(handle, new LedgerEntryRef("run-another", 12, "hash-12")));

            early.InnerException.ShouldBeOfType<ApplicationFailureException>().ErrorType.ShouldBe(ApprovalErrors.NotAwaitingApproval);
            elsewhere.InnerException.ShouldBeOfType<ApplicationFailureException>().ErrorType.ShouldBe(ApprovalErrors.WrongRun);
            var history = await handle.FetchHistoryAsync();
            history.Events.ShouldNotContain(e => e.WorkflowExecutionUpdateAcceptedEventAttributes != null);
            _fakes.Calls.ShouldNotContain(IRunLedgerActivities.ConfirmApprovalName);
            await handle.CancelAsync();
        });
    }

    [Fact]
    public async Task JudgeApproval_Reject_AnswersRejectedAndTheRunFails()
    {
        _fakes.StreamId = $"run-{_runId}";
        await LifecycleHarness.RunAsync(env, _fakes, async () =>
        {
            var handle = await LifecycleHarness.StartAsync(env, _fakes, _runId);
            await LifecycleHarness.ApprovalOpenAsync(handle);

            var judgement = await Judge(handle, _fakes.Sign("bob", 11, ApprovalDecision.Reject));
            var result = await handle.GetResultAsync();

            judgement.Outcome.ShouldBe(ApprovalJudgements.Rejected);
            result.Outcome.ShouldBe(RunOutcome.Failed);
            result.Reason.ShouldContain("rejected by bob");
        });
    }
}
