using Orchestrator.Testing.Temporal;
using Orchestrator.TemporalServer.Tests.Activities;
using Temporalio.Client;
using Temporalio.Common;
using Temporalio.Worker;
using static Orchestrator.TemporalServer.Tests.Conformance;

namespace Orchestrator.TemporalServer.Tests.Workflows;

/// <summary>Histories the server writes replay deterministically; workers can lose their cache or die mid-run.</summary>
public sealed class ReplayTests(TemporalEnvironment env) : IClassFixture<TemporalEnvironment>
{
    private static void Register(TemporalWorkerOptions o) =>
        o.AddAllActivities(new ConformanceActivities()).AddWorkflow<VersionedWorkflow>();

    [Theory]
    [InlineData(1000)]
    [InlineData(0)]
    public async Task Replay_HistoryFromServer_IsDeterministic(int maxCachedWorkflows)
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register, maxCachedWorkflows);
        WorkflowHistory? history = null;
        await worker.RunAsync(async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((VersionedWorkflow wf) => wf.RunAsync("replay"), Options(NewId("replay"), queue));
            await EventuallyAsync(async () => await handle.QueryAsync(wf => wf.WaitingForApproval));
            await handle.SignalAsync(wf => wf.ApproveAsync("alice"));

            (await handle.GetResultAsync()).ShouldBe("Hello, replay/alice/slept");
            history = await handle.FetchHistoryAsync();
        });

        var replayer = new WorkflowReplayer(new WorkflowReplayerOptions().AddWorkflow<VersionedWorkflow>());
        var result = await replayer.ReplayWorkflowAsync(history!, cancellationToken: TestContext.Current.CancellationToken);

        result.ReplayFailure.ShouldBeNull();
        history!.Events.Count.ShouldBeGreaterThan(10);
    }

    [Fact]
    public async Task WorkerRestart_MidWorkflow_AnotherWorkerFinishes()
    {
        var queue = NewQueue();
        var id = NewId("restart");
        using (var first = Worker(env, queue, Register))
        {
            await first.RunAsync(async () =>
            {
                var handle = await env.Client.StartWorkflowAsync((VersionedWorkflow wf) => wf.RunAsync("restart"), Options(id, queue));
                await EventuallyAsync(async () => await handle.QueryAsync(wf => wf.WaitingForApproval));
            });
        }

        using var second = Worker(env, queue, Register);
        await second.RunAsync(async () =>
        {
            var handle = env.Client.GetWorkflowHandle<VersionedWorkflow>(id);
            await handle.SignalAsync(wf => wf.ApproveAsync("bob"));

            (await handle.GetResultAsync<string>()).ShouldBe("Hello, restart/bob/slept");
        });
    }
}
