using System.Diagnostics;
using Orchestrator.Testing.Temporal;
using Temporalio.Client;
using static Orchestrator.TemporalServer.Tests.Conformance;

namespace Orchestrator.TemporalServer.Tests.Workflows;

/// <summary>Timers with time skipping (only where the server skips time: never on a real Temporal).</summary>
public sealed class TimerTests(TimeSkippingTemporalEnvironment env) : IClassFixture<TimeSkippingTemporalEnvironment>
{
    [Fact]
    public async Task DelayAsync_ThirtyDays_CompletesInUnderASecondWithTimeSkipping()
    {
        Assert.SkipUnless(env.SupportsTimeSkipping, "the configured Temporal server does not skip time");
        var queue = NewQueue();
        using var worker = Worker(env, queue, o => o.AddWorkflow<TimerWorkflow>());
        await worker.RunAsync(async () =>
        {
            var clock = Stopwatch.StartNew();

            var days = await env.Client.ExecuteWorkflowAsync((TimerWorkflow wf) => wf.RunAsync(30), new WorkflowOptions(NewId("timer"), queue));

            clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(1));
            days.ShouldBeGreaterThanOrEqualTo(30);
        });
    }

    [Fact]
    public async Task DelayAsync_ConcurrentWorkflowsWaitingForResults_AllSkip()
    {
        Assert.SkipUnless(env.SupportsTimeSkipping, "the configured Temporal server does not skip time");
        var queue = NewQueue();
        using var worker = Worker(env, queue, o => o.AddWorkflow<TimerWorkflow>());
        await worker.RunAsync(async () =>
        {
            var runs = Enumerable.Range(1, 3).Select(days =>
                env.Client.ExecuteWorkflowAsync((TimerWorkflow wf) => wf.RunAsync(days * 10), new WorkflowOptions(NewId("timer"), queue)));

            var results = await Task.WhenAll(runs);

            results.Select(d => Math.Round(d)).ShouldBe([10d, 20d, 30d]);
        });
    }

    [Fact]
    public async Task WaitCondition_DeadlinePassesWithoutSignal_Expires()
    {
        Assert.SkipUnless(env.SupportsTimeSkipping, "the configured Temporal server does not skip time");
        var queue = NewQueue();
        using var worker = Worker(env, queue, o => o.AddWorkflow<DeadlineWorkflow>());
        await worker.RunAsync(async () =>
        {
            var result = await env.Client.ExecuteWorkflowAsync((DeadlineWorkflow wf) => wf.RunAsync(7), new WorkflowOptions(NewId("deadline"), queue));

            result.ShouldBe("expired");
        });
    }

    [Fact]
    public async Task WaitCondition_SignalBeforeDeadline_Approves()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, o => o.AddWorkflow<DeadlineWorkflow>());
        await worker.RunAsync(async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((DeadlineWorkflow wf) => wf.RunAsync(7), new WorkflowOptions(NewId("deadline"), queue));
            await handle.SignalAsync(wf => wf.ApproveAsync());

            (await handle.GetResultAsync()).ShouldBe("approved");
        });
    }

    [Fact]
    public async Task EnvironmentDelay_OneDay_AdvancesServerTime()
    {
        Assert.SkipUnless(env.SupportsTimeSkipping, "the configured Temporal server does not skip time");
        var before = await env.Environment.GetCurrentTimeAsync();

        await env.Environment.DelayAsync(TimeSpan.FromDays(1));

        (await env.Environment.GetCurrentTimeAsync() - before).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromDays(1));
    }

    [Fact]
    public async Task EnvironmentDelay_TwoHoursWithATwoDayTimerPending_SkipsOnlyTwoHours()
    {
        Assert.SkipUnless(env.SupportsTimeSkipping, "the configured Temporal server does not skip time");
        var queue = NewQueue();
        using var worker = Worker(env, queue, o => o.AddWorkflow<SlowWorkflow>());
        await worker.RunAsync(async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((SlowWorkflow wf) => wf.RunAsync(), new WorkflowOptions(NewId("manual-skip"), queue));
            async Task<DateTime> WorkflowTimeAsync()
            {
                // A signal first: a query reports the time of the last workflow task.
                await handle.SignalAsync(wf => wf.PokeAsync());
                return await handle.QueryAsync(wf => wf.CurrentTime());
            }

            var before = await WorkflowTimeAsync();
            await env.Environment.DelayAsync(TimeSpan.FromHours(2));
            var after = await WorkflowTimeAsync();

            (after - before).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromHours(2));
            (after - before).ShouldBeLessThan(TimeSpan.FromHours(3));
            await handle.TerminateAsync("done");
        });
    }
}
