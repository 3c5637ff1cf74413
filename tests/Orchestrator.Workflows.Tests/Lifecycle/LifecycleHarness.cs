using Orchestrator.Testing.Temporal;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Lifecycle;
using Orchestrator.Workflows.Policies;
using Temporalio.Client;
using Temporalio.Worker;

namespace Orchestrator.Workflows.Tests.Lifecycle;

/// <summary>Runs the lifecycle workflow on workers for both task queues with fake stage activities.</summary>
internal static class LifecycleHarness
{
    public static ModelLifecycleWorkflow.Input Input(string runId, StageQueues queues) => new(
        runId,
        "shapes-classifier",
        new DatasetSource("synthetic", null, new Dictionary<string, string> { ["seed"] = "7" }, "CC-BY-4.0", "synthetic", "P7Y"),
        new AnnotationSource("simulated", null, new Dictionary<string, string> { ["annotators"] = "3" }),
        new PolicyRef("default"),
        "alice",
        Queues: queues);

    /// <summary>Starts workers on the default and GPU queues, runs <paramref name="body"/>, then stops them.</summary>
    public static async Task RunAsync(TemporalEnvironment env, FakeStageActivities fakes, Func<Task> body)
    {
        using var gpu = new TemporalWorker(env.Client, new TemporalWorkerOptions(fakes.Queues.Gpu).AddContractActivities(fakes));
        using var cpu = new TemporalWorker(env.Client, new TemporalWorkerOptions(fakes.Queues.Default)
            .AddWorkflow<ModelLifecycleWorkflow>()
            .AddContractActivities(fakes));
        await gpu.ExecuteAsync(() => cpu.ExecuteAsync(body));
    }

    public static Task<WorkflowHandle<ModelLifecycleWorkflow, ModelLifecycleWorkflow.Result>> StartAsync(TemporalEnvironment env, FakeStageActivities fakes, string runId) =>
        env.Client.StartWorkflowAsync((ModelLifecycleWorkflow wf) => wf.RunAsync(Input(runId, fakes.Queues)),
            new WorkflowOptions($"run-{runId}", fakes.Queues.Default) { RunTimeout = TimeSpan.FromDays(30) });

    /// <summary>Waits (with a deadline) until the run is waiting for approval.</summary>
    public static async Task<PendingApproval> ApprovalOpenAsync(WorkflowHandle<ModelLifecycleWorkflow, ModelLifecycleWorkflow.Result> handle) =>
        (await UntilAsync(handle, s => s.Approval is not null)).Approval!;

    public static async Task<RunStatus> UntilAsync(WorkflowHandle<ModelLifecycleWorkflow, ModelLifecycleWorkflow.Result> handle, Func<RunStatus, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var status = await handle.QueryAsync(wf => wf.Status());
            if (condition(status))
            {
                return status;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the run did not reach the expected state; it is at {status.CurrentStage}");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
