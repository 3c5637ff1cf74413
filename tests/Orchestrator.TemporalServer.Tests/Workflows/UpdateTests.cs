using Orchestrator.Testing.Temporal;
using Orchestrator.TemporalServer.Tests.Activities;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;
using Temporalio.Worker;
using static Orchestrator.TemporalServer.Tests.Conformance;

namespace Orchestrator.TemporalServer.Tests.Workflows;

/// <summary>Workflow updates: validators, handlers that run activities, failures, deduplication, polling and replay.</summary>
public sealed class UpdateTests(TemporalEnvironment env) : IClassFixture<TemporalEnvironment>
{
    private static void Register(TemporalWorkerOptions o) => o.AddAllActivities(new ConformanceActivities()).AddWorkflow<ApprovalGateWorkflow>();

    [Fact]
    public async Task ExecuteUpdate_ValidatorAccepts_AnswersAndRecordsAcceptedAndCompleted()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((ApprovalGateWorkflow wf) => wf.RunAsync(2), Options(NewId("update"), queue));

            (await handle.ExecuteUpdateAsync(wf => wf.ApproveAsync("alice"))).ShouldBe(1);
            (await handle.ExecuteUpdateAsync(wf => wf.ApproveAsync("bob"))).ShouldBe(2);

            (await handle.GetResultAsync()).ShouldBe("alice,bob");
            var events = (await handle.FetchHistoryAsync()).Events;
            events.Count(e => e.EventType == EventType.WorkflowExecutionUpdateAccepted).ShouldBe(2);
            events.Count(e => e.EventType == EventType.WorkflowExecutionUpdateCompleted).ShouldBe(2);
        });
    }

    [Fact]
    public async Task ExecuteUpdate_ValidatorRejects_ThrowsAndLeavesNoTraceInHistory()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((ApprovalGateWorkflow wf) => wf.RunAsync(2), Options(NewId("update-rejected"), queue));
            await handle.ExecuteUpdateAsync(wf => wf.ApproveAsync("alice"));
            var before = (await handle.FetchHistoryAsync()).Events.Count;

            var refused = await Should.ThrowAsync<WorkflowUpdateFailedException>(() => handle.ExecuteUpdateAsync(wf => wf.ApproveAsync("alice")));

            refused.InnerException.ShouldBeOfType<ApplicationFailureException>().ErrorType.ShouldBe("Refused");
            (await handle.FetchHistoryAsync()).Events.Count.ShouldBe(before);
            (await handle.ExecuteUpdateAsync(wf => wf.ApproveAsync("bob"))).ShouldBe(2);
            (await handle.GetResultAsync()).ShouldBe("alice,bob");
        });
    }

    [Fact]
    public async Task ExecuteUpdate_HandlerFails_ReturnsTheFailureAfterAcceptance()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((ApprovalGateWorkflow wf) => wf.RunAsync(1), Options(NewId("update-failed"), queue));

            var failed = await Should.ThrowAsync<WorkflowUpdateFailedException>(() => handle.ExecuteUpdateAsync(wf => wf.ApproveAsync("fail")));

            failed.InnerException.ShouldBeOfType<ApplicationFailureException>().ErrorType.ShouldBe("HandlerFailed");
            var events = (await handle.FetchHistoryAsync()).Events;
            events.Count(e => e.EventType == EventType.WorkflowExecutionUpdateCompleted).ShouldBe(1);
            await handle.TerminateAsync("done");
        });
    }

    [Fact]
    public async Task StartUpdate_WaitForAccepted_ThenResultByPolling()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((ApprovalGateWorkflow wf) => wf.RunAsync(1), Options(NewId("update-poll"), queue));

            var update = await handle.StartUpdateAsync(wf => wf.ApproveAsync("carol"), new WorkflowUpdateStartOptions(WorkflowUpdateStage.Accepted) { Id = "approval-carol" });
            var again = handle.GetUpdateHandle<int>("approval-carol");

            (await update.GetResultAsync()).ShouldBe(1);
            (await again.GetResultAsync()).ShouldBe(1);
            (await handle.GetResultAsync()).ShouldBe("carol");
        });
    }

    [Fact]
    public async Task ExecuteUpdate_SameIdTwice_RunsTheHandlerOnce()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((ApprovalGateWorkflow wf) => wf.RunAsync(2), Options(NewId("update-dedupe"), queue));

            var first = await handle.ExecuteUpdateAsync(wf => wf.ApproveAsync("dave"), new WorkflowUpdateOptions("approval-dave"));
            var second = await handle.ExecuteUpdateAsync(wf => wf.ApproveAsync("dave"), new WorkflowUpdateOptions("approval-dave"));

            first.ShouldBe(1);
            second.ShouldBe(1);
            (await handle.QueryAsync(wf => wf.Approvers)).ShouldBe(["dave"]);
            await handle.TerminateAsync("done");
        });
    }

    [Fact]
    public async Task Replay_HistoryWithAcceptedAndRejectedUpdates_IsDeterministic()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        Temporalio.Common.WorkflowHistory? history = null;
        await worker.RunAsync(async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((ApprovalGateWorkflow wf) => wf.RunAsync(2), Options(NewId("update-replay"), queue));
            await handle.ExecuteUpdateAsync(wf => wf.ApproveAsync("erin"));
            await Should.ThrowAsync<WorkflowUpdateFailedException>(() => handle.ExecuteUpdateAsync(wf => wf.ApproveAsync("")));
            await handle.ExecuteUpdateAsync(wf => wf.ApproveAsync("frank"));
            await handle.GetResultAsync();
            history = await handle.FetchHistoryAsync();
        });

        var replayer = new WorkflowReplayer(new WorkflowReplayerOptions().AddWorkflow<ApprovalGateWorkflow>());
        var result = await replayer.ReplayWorkflowAsync(history!, cancellationToken: TestContext.Current.CancellationToken);
        result.ReplayFailure.ShouldBeNull();
    }
}
