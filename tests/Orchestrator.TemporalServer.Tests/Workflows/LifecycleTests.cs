using Orchestrator.Testing.Temporal;
using Orchestrator.TemporalServer.Tests.Activities;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;
using static Orchestrator.TemporalServer.Tests.Conformance;

namespace Orchestrator.TemporalServer.Tests.Workflows;

/// <summary>Continue-as-new, child workflows, cancellation and termination.</summary>
public sealed class LifecycleTests(TemporalEnvironment env) : IClassFixture<TemporalEnvironment>
{
    private readonly ConformanceActivities activities = new();

    private void Register(Temporalio.Worker.TemporalWorkerOptions o) => o.AddAllActivities(activities)
        .AddWorkflow<CountingWorkflow>().AddWorkflow<ChildWorkflow>().AddWorkflow<ParentWorkflow>()
        .AddWorkflow<CancellationWorkflow>().AddWorkflow<WaitingWorkflow>()
        .AddWorkflow<RootParentWorkflow>().AddWorkflow<RootChildWorkflow>().AddWorkflow<BackoffWorkflow>();

    [Fact]
    public async Task ContinueAsNew_ThreeTimes_ResultFollowsRunChain()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((CountingWorkflow wf) => wf.RunAsync(0, 3), Options(NewId("continue"), queue));

            (await handle.GetResultAsync()).ShouldBe(3);
            var firstRun = await env.Client.GetWorkflowHandle(handle.Id, handle.ResultRunId).DescribeAsync();
            firstRun.Status.ShouldBe(WorkflowExecutionStatus.ContinuedAsNew);
            (await env.Client.GetWorkflowHandle(handle.Id).DescribeAsync()).Status.ShouldBe(WorkflowExecutionStatus.Completed);
        });
    }

    [Fact]
    public async Task ChildWorkflows_OneSucceedsOneFails_ParentSeesBothOutcomes()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var result = await env.Client.ExecuteWorkflowAsync((ParentWorkflow wf) => wf.RunAsync("kid", "fail"), Options(NewId("parent"), queue));

            result.ShouldBe("Hello, kid;failed:ChildError");
        });
    }

    [Fact]
    public async Task CancelActivity_FromWorkflow_ActivitySeesCancellation()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var result = await env.Client.ExecuteWorkflowAsync((CancellationWorkflow wf) => wf.RunAsync(true), Options(NewId("cancel-activity"), queue));

            result.ShouldBe("activity cancelled");
            activities.CancellationSeen.ShouldBeTrue();
        });
    }

    [Fact]
    public async Task CancelWorkflow_WithRunningActivity_CancelsBoth()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((CancellationWorkflow wf) => wf.RunAsync(false), Options(NewId("cancel"), queue));
            await EventuallyAsync(() => Task.FromResult(activities.Attempts > 0));

            await handle.CancelAsync();

            var failure = await Should.ThrowAsync<WorkflowFailedException>(handle.GetResultAsync());
            failure.InnerException.ShouldBeOfType<CanceledFailureException>();
            activities.CancellationSeen.ShouldBeTrue();
            (await handle.DescribeAsync()).Status.ShouldBe(WorkflowExecutionStatus.Canceled);
        });
    }

    [Fact]
    public async Task Terminate_RunningWorkflow_ClosesAsTerminated()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((WaitingWorkflow wf) => wf.RunAsync(), Options(NewId("terminate"), queue));

            await handle.TerminateAsync("enough");

            var failure = await Should.ThrowAsync<WorkflowFailedException>(handle.GetResultAsync());
            failure.InnerException.ShouldBeOfType<TerminatedFailureException>().Message.ShouldBe("enough");
            (await handle.DescribeAsync()).Status.ShouldBe(WorkflowExecutionStatus.Terminated);
        });
    }

    [Fact]
    public async Task Cancel_ClosedWorkflow_IsANoOp()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((CountingWorkflow wf) => wf.RunAsync(0, 0), Options(NewId("cancel-closed"), queue));
            await handle.GetResultAsync();

            await handle.CancelAsync();

            (await handle.DescribeAsync()).Status.ShouldBe(WorkflowExecutionStatus.Completed);
        });
    }

    [Fact]
    public async Task ChildWorkflow_WithPriority_SeesRootAndPriority()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((RootParentWorkflow wf) => wf.RunAsync(3), Options(NewId("root"), queue));

            (await handle.GetResultAsync()).ShouldBe($"{handle.Id}/{handle.ResultRunId}|3");
        });
    }

    [Fact]
    public async Task ContinueAsNew_WithBackoffStartInterval_DelaysNextRun()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((BackoffWorkflow wf) => wf.RunAsync(2), Options(NewId("backoff"), queue));

            var secondRunWorked = await handle.GetResultAsync();

            var firstRun = await env.Client.GetWorkflowHandle(handle.Id, handle.ResultRunId).DescribeAsync();
            (secondRunWorked - firstRun.CloseTime!.Value).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1.9));
            var secondRun = await env.Client.GetWorkflowHandle(handle.Id).FetchHistoryAsync();
            secondRun.Events.First().WorkflowExecutionStartedEventAttributes.FirstWorkflowTaskBackoff.ToTimeSpan().ShouldBe(TimeSpan.FromSeconds(2));
        });
    }
}
