using Orchestrator.Testing.Temporal;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;
using static Orchestrator.TemporalServer.Tests.Conformance;

namespace Orchestrator.TemporalServer.Tests.Workflows;

/// <summary>Workflow id conflict and reuse policies, describe and list.</summary>
public sealed class IdPolicyTests(TemporalEnvironment env) : IClassFixture<TemporalEnvironment>
{
    private static void Register(Temporalio.Worker.TemporalWorkerOptions o) => o.AddWorkflow<WaitingWorkflow>();

    [Fact]
    public async Task Start_SameIdWhileRunning_ThrowsAlreadyStarted()
    {
        var id = NewId("conflict");
        var queue = NewQueue();
        var first = await env.Client.StartWorkflowAsync((WaitingWorkflow wf) => wf.RunAsync(), Options(id, queue));

        var error = await Should.ThrowAsync<WorkflowAlreadyStartedException>(
            env.Client.StartWorkflowAsync((WaitingWorkflow wf) => wf.RunAsync(), Options(id, queue)));

        error.RunId.ShouldBe(first.ResultRunId);
        await first.TerminateAsync("test over");
    }

    [Fact]
    public async Task Start_UseExistingConflictPolicy_ReturnsRunningRun()
    {
        var id = NewId("use-existing");
        var queue = NewQueue();
        var first = await env.Client.StartWorkflowAsync((WaitingWorkflow wf) => wf.RunAsync(), Options(id, queue));
        var options = Options(id, queue);
        options.IdConflictPolicy = WorkflowIdConflictPolicy.UseExisting;

        var second = await env.Client.StartWorkflowAsync((WaitingWorkflow wf) => wf.RunAsync(), options);

        second.ResultRunId.ShouldBe(first.ResultRunId);
        await first.TerminateAsync("test over");
    }

    [Fact]
    public async Task Start_TerminateExistingConflictPolicy_ReplacesRun()
    {
        var id = NewId("terminate-existing");
        var queue = NewQueue();
        var first = await env.Client.StartWorkflowAsync((WaitingWorkflow wf) => wf.RunAsync(), Options(id, queue));
        var options = Options(id, queue);
        options.IdConflictPolicy = WorkflowIdConflictPolicy.TerminateExisting;

        var second = await env.Client.StartWorkflowAsync((WaitingWorkflow wf) => wf.RunAsync(), options);

        second.ResultRunId.ShouldNotBe(first.ResultRunId);
        (await env.Client.GetWorkflowHandle(id, first.ResultRunId).DescribeAsync()).Status.ShouldBe(WorkflowExecutionStatus.Terminated);
        await second.TerminateAsync("test over");
    }

    [Fact]
    public async Task Start_AfterCompletion_ReusePolicyDecides()
    {
        var id = NewId("reuse");
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var first = await env.Client.StartWorkflowAsync((WaitingWorkflow wf) => wf.RunAsync(), Options(id, queue));
            await first.SignalAsync(wf => wf.SetAsync("done"));
            await first.GetResultAsync();
            var reject = Options(id, queue);
            reject.IdReusePolicy = WorkflowIdReusePolicy.RejectDuplicate;
            var failedOnly = Options(id, queue);
            failedOnly.IdReusePolicy = WorkflowIdReusePolicy.AllowDuplicateFailedOnly;

            await Should.ThrowAsync<WorkflowAlreadyStartedException>(env.Client.StartWorkflowAsync((WaitingWorkflow wf) => wf.RunAsync(), reject));
            await Should.ThrowAsync<WorkflowAlreadyStartedException>(env.Client.StartWorkflowAsync((WaitingWorkflow wf) => wf.RunAsync(), failedOnly));
            var second = await env.Client.StartWorkflowAsync((WaitingWorkflow wf) => wf.RunAsync(), Options(id, queue));

            second.ResultRunId.ShouldNotBe(first.ResultRunId);
            await second.SignalAsync(wf => wf.SetAsync("again"));
            (await second.GetResultAsync()).ShouldBe("again");
        });
    }

    [Fact]
    public async Task DescribeAndList_CompletedRun_ReportsStatusAndType()
    {
        var id = NewId("list");
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((WaitingWorkflow wf) => wf.RunAsync(), Options(id, queue));
            await handle.SignalAsync(wf => wf.SetAsync("listed"));
            await handle.GetResultAsync();

            var description = await handle.DescribeAsync();
            description.Status.ShouldBe(WorkflowExecutionStatus.Completed);
            description.WorkflowType.ShouldBe(nameof(WaitingWorkflow));
            description.TaskQueue.ShouldBe(queue);
            await EventuallyAsync(async () =>
            {
                var found = new List<WorkflowExecution>();
                await foreach (var run in env.Client.ListWorkflowsAsync($"WorkflowId = '{id}' AND ExecutionStatus = 'Completed'"))
                {
                    found.Add(run);
                }

                return found.Count == 1 && found[0].WorkflowType == nameof(WaitingWorkflow);
            });
        });
    }
}
