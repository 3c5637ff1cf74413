using Orchestrator.Testing.Temporal;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;
using static Orchestrator.TemporalServer.Tests.Conformance;

namespace Orchestrator.TemporalServer.Tests.Workflows;

/// <summary>Signals and cancellation between workflows, parent close policy, run timeouts.</summary>
public sealed class ExternalTests(TemporalEnvironment env) : IClassFixture<TemporalEnvironment>
{
    private static void Register(Temporalio.Worker.TemporalWorkerOptions o) =>
        o.AddWorkflow<ExternalWorkflow>().AddWorkflow<WaitingWorkflow>().AddWorkflow<AbandoningParentWorkflow>();

    [Fact]
    public async Task SignalExternal_RunningTarget_DeliversSignal()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var target = await env.Client.StartWorkflowAsync((WaitingWorkflow wf) => wf.RunAsync(), Options(NewId("target"), queue));
            var senderId = NewId("sender");

            var sent = await env.Client.ExecuteWorkflowAsync((ExternalWorkflow wf) => wf.RunAsync(target.Id, false), Options(senderId, queue));

            sent.ShouldBe("signalled");
            (await target.GetResultAsync()).ShouldBe($"from {senderId}");
        });
    }

    [Fact]
    public async Task CancelExternal_RunningTarget_CancelsIt()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var target = await env.Client.StartWorkflowAsync((WaitingWorkflow wf) => wf.RunAsync(), Options(NewId("target"), queue));

            await env.Client.ExecuteWorkflowAsync((ExternalWorkflow wf) => wf.RunAsync(target.Id, true), Options(NewId("canceller"), queue));

            var failure = await Should.ThrowAsync<WorkflowFailedException>(target.GetResultAsync());
            failure.InnerException.ShouldBeOfType<CanceledFailureException>();
        });
    }

    [Fact]
    public async Task TerminateParent_DefaultClosePolicy_TerminatesChild()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var childId = NewId("child");
            var parent = await env.Client.StartWorkflowAsync((AbandoningParentWorkflow wf) => wf.RunAsync(childId), Options(NewId("parent"), queue));
            await EventuallyAsync(async () => await parent.QueryAsync(wf => wf.ChildId) == childId);

            await parent.TerminateAsync("parent done");

            await EventuallyAsync(async () =>
                (await env.Client.GetWorkflowHandle(childId).DescribeAsync()).Status == WorkflowExecutionStatus.Terminated);
        });
    }

    [Fact]
    public async Task RunTimeout_Exceeded_TimesOutRun()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var options = Options(NewId("run-timeout"), queue);
            options.RunTimeout = TimeSpan.FromSeconds(1);
            var handle = await env.Client.StartWorkflowAsync((WaitingWorkflow wf) => wf.RunAsync(), options);

            var failure = await Should.ThrowAsync<WorkflowFailedException>(handle.GetResultAsync());

            failure.InnerException.ShouldBeOfType<TimeoutFailureException>();
            (await handle.DescribeAsync()).Status.ShouldBe(WorkflowExecutionStatus.TimedOut);
        });
    }
}
