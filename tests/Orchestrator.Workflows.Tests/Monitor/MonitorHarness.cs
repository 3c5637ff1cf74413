using Orchestrator.Testing.Temporal;
using Orchestrator.Workflows.Monitor;
using Temporalio.Client;
using Temporalio.Worker;

namespace Orchestrator.Workflows.Tests.Monitor;

/// <summary>Runs the monitor workflow on a worker of its own queue with fake activities.</summary>
internal static class MonitorHarness
{
    // A query waits for a worker; a bounded RPC makes a stuck monitor fail the test instead of hanging it.
    private static WorkflowQueryOptions QueryOptions => new() { Rpc = new RpcOptions { Timeout = TimeSpan.FromSeconds(10), CancellationToken = TestContext.Current.CancellationToken } };

    public static async Task RunAsync(TemporalEnvironment env, FakeMonitorActivities fakes, Func<Task> body)
    {
        using var worker = new TemporalWorker(env.Client, new TemporalWorkerOptions(fakes.Queues.Default)
            .AddWorkflow<ModelMonitorWorkflow>()
            .AddContractActivities(fakes));
        await worker.ExecuteAsync(body);
    }

    /// <summary>Signal-with-start, the way the lifecycle's hand-over starts a monitor.</summary>
    public static Task<WorkflowHandle<ModelMonitorWorkflow>> StartAsync(TemporalEnvironment env, FakeMonitorActivities fakes, int version, int? checksPerRun = null)
    {
        var options = new WorkflowOptions(ModelMonitorWorkflow.WorkflowId(fakes.Model), fakes.Queues.Default);
        var production = fakes.Version(version);
        options.SignalWithStart((ModelMonitorWorkflow wf) => wf.ProductionChangedAsync(new ProductionChange(production, null)));
        return env.Client.StartWorkflowAsync((ModelMonitorWorkflow wf) => wf.RunAsync(new ModelMonitorWorkflow.Input(fakes.Model, production, null, checksPerRun)), options);
    }

    /// <summary>Polls the status query until <paramref name="condition"/> holds (30 s deadline).</summary>
    public static async Task<MonitorStatus> UntilAsync(WorkflowHandle<ModelMonitorWorkflow> handle, Func<MonitorStatus, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            // A query addresses the latest run, so it follows continue-as-new.
            var status = await env(handle).QueryAsync(wf => wf.Status(), QueryOptions);
            if (condition(status))
            {
                return status;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the monitor did not reach the expected state: {status}");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        static WorkflowHandle<ModelMonitorWorkflow> env(WorkflowHandle<ModelMonitorWorkflow> h) => h with { RunId = null };
    }
}
