using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Lifecycle;
using Temporalio.Client;

namespace Orchestrator.Hosting.Tests.Support;

/// <summary>Starting lifecycle runs on a test host and waiting for their state.</summary>
public static class Runs
{
    /// <summary>A 240-image synthetic set labelled by three reliable simulated annotators, under the test policy.</summary>
    public static ModelLifecycleWorkflow.Input Input(string runId, StageQueues queues, string requester = "alice", string accuracy = "0.95") => new(
        runId,
        "shapes-" + runId[..8],
        new DatasetSource("synthetic", null, new Dictionary<string, string> { ["seed"] = "21", ["count"] = "240" }, "CC0-1.0", "none", "P7Y"),
        new AnnotationSource("simulated", null, new Dictionary<string, string> { ["annotators"] = "3", ["accuracy"] = accuracy, ["seed"] = "4" }),
        TestPolicy.Ref,
        requester,
        Queues: queues);

    public static Task<WorkflowHandle<ModelLifecycleWorkflow, ModelLifecycleWorkflow.Result>> StartAsync(ITemporalClient client, ModelLifecycleWorkflow.Input input) =>
        client.StartWorkflowAsync((ModelLifecycleWorkflow wf) => wf.RunAsync(input),
            new WorkflowOptions($"run-{input.RunId}", input.Queues!.Default) { RunTimeout = TimeSpan.FromHours(1) });

    /// <summary>Queries the run until <paramref name="condition"/> holds (deadline <paramref name="seconds"/>).</summary>
    public static async Task<RunStatus> UntilAsync(WorkflowHandle handle, Func<RunStatus, bool> condition, int seconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var status = await handle.QueryAsync<RunStatus>("Status", []);
            if (condition(status))
            {
                return status;
            }

            if (status.Stages.FirstOrDefault(s => s.Outcome == "failed") is { } failed)
            {
                throw new InvalidOperationException($"stage {failed.Stage} failed before the run reached the expected state: {await FailureAsync(handle)}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the run did not reach the expected state in {seconds} s; it is at {status.CurrentStage}: "
                    + string.Join(", ", status.Stages.Select(s => $"{s.Stage}={s.Outcome ?? "running"}")));
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    private static async Task<string> FailureAsync(WorkflowHandle handle)
    {
        try
        {
            return (await handle.GetResultAsync<ModelLifecycleWorkflow.Result>()).Reason;
        }
        catch (Temporalio.Exceptions.WorkflowFailedException e)
        {
            return e.InnerException?.Message ?? e.Message;
        }
    }

    /// <summary>True when <paramref name="stage"/> ran to completion.</summary>
    public static bool Completed(RunStatus status, string stage) => status.Stages.Any(s => s.Stage == stage && s.Outcome == "completed");
}
