using Orchestrator.Testing.Temporal;
using Orchestrator.TemporalServer.Tests.Activities;
using Temporalio.Client;
using static Orchestrator.TemporalServer.Tests.Conformance;

namespace Orchestrator.TemporalServer.Tests.Workflows;

/// <summary>Signals (also during an activity and with SignalWithStart) and queries.</summary>
public sealed class SignalQueryTests(TemporalEnvironment env) : IClassFixture<TemporalEnvironment>
{
    private static void Register(Temporalio.Worker.TemporalWorkerOptions o) =>
        o.AddAllActivities(new ConformanceActivities()).AddWorkflow<SignalWorkflow>();

    [Fact]
    public async Task Signal_DuringActivity_IsDeliveredInOrder()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((SignalWorkflow wf) => wf.RunAsync(1), Options(NewId("signal"), queue));
            await handle.SignalAsync(wf => wf.AddAsync("a"));
            await handle.SignalAsync(wf => wf.AddAsync("b"));
            await handle.SignalAsync(wf => wf.FinishAsync());

            (await handle.GetResultAsync()).ShouldBe("a,b|slept");
        });
    }

    [Fact]
    public async Task SignalWithStart_NotRunning_StartsAndDeliversSignalFirst()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var options = Options(NewId("signal-with-start"), queue);
            options.SignalWithStart((SignalWorkflow wf) => wf.AddAsync("first"));
            var handle = await env.Client.StartWorkflowAsync((SignalWorkflow wf) => wf.RunAsync(0), options);
            await handle.SignalAsync(wf => wf.FinishAsync());

            (await handle.GetResultAsync()).ShouldBe("first|slept");
        });
    }

    [Fact]
    public async Task SignalWithStart_Running_SignalsExistingRun()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var id = NewId("signal-with-start");
            var first = await env.Client.StartWorkflowAsync((SignalWorkflow wf) => wf.RunAsync(0), Options(id, queue));
            var options = Options(id, queue);
            options.SignalWithStart((SignalWorkflow wf) => wf.AddAsync("second"));
            var second = await env.Client.StartWorkflowAsync((SignalWorkflow wf) => wf.RunAsync(0), options);
            await first.SignalAsync(wf => wf.FinishAsync());

            second.ResultRunId.ShouldBe(first.ResultRunId);
            (await first.GetResultAsync()).ShouldBe("second|slept");
        });
    }

    [Fact]
    public async Task Query_AfterSignals_ReturnsWorkflowState()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((SignalWorkflow wf) => wf.RunAsync(0), Options(NewId("query"), queue));
            await handle.SignalAsync(wf => wf.AddAsync("x"));
            await handle.SignalAsync(wf => wf.AddAsync("y"));

            await EventuallyAsync(async () => (await handle.QueryAsync(wf => wf.Items)).Count == 2);
            (await handle.QueryAsync(wf => wf.Items)).ShouldBe(["x", "y"]);
            await handle.SignalAsync(wf => wf.FinishAsync());
            await handle.GetResultAsync();
            (await handle.QueryAsync(wf => wf.Items)).ShouldBe(["x", "y"]);
        });
    }

    [Fact]
    public async Task Query_RightAfterEachSignal_SeesThatSignal()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((SignalWorkflow wf) => wf.RunAsync(0), Options(NewId("query-after-signal"), queue));
            for (var i = 1; i <= 25; i++)
            {
                await handle.SignalAsync(wf => wf.AddAsync($"item{i}"));

                (await handle.QueryAsync(wf => wf.Items)).Count.ShouldBe(i);
            }

            await handle.SignalAsync(wf => wf.FinishAsync());
            await handle.GetResultAsync();
        });
    }

    [Fact]
    public async Task Query_RejectConditionNotOpenOnClosedRun_IsRejected()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((SignalWorkflow wf) => wf.RunAsync(0), Options(NewId("query-reject"), queue));
            await handle.SignalAsync(wf => wf.FinishAsync());
            await handle.GetResultAsync();

            var rejected = await Should.ThrowAsync<Temporalio.Exceptions.WorkflowQueryRejectedException>(() =>
                handle.QueryAsync(wf => wf.Items, new WorkflowQueryOptions { RejectCondition = Temporalio.Api.Enums.V1.QueryRejectCondition.NotOpen }));
            rejected.WorkflowStatus.ShouldBe(Temporalio.Api.Enums.V1.WorkflowExecutionStatus.Completed);
        });
    }
}
