using Orchestrator.TemporalServer.Tests.Activities;
using Temporalio.Workflows;

namespace Orchestrator.TemporalServer.Tests.Workflows;

/// <summary>Collects signalled items while an activity runs; finishes on a signal; answers a query.</summary>
[Workflow]
public sealed class SignalWorkflow
{
    private readonly List<string> items = [];
    private bool finished;

    [WorkflowRun]
    public async Task<string> RunAsync(double activitySeconds)
    {
        var activity = Workflow.ExecuteActivityAsync((ConformanceActivities a) => a.Sleep(activitySeconds),
            new ActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(30) });
        await Workflow.WaitConditionAsync(() => finished);
        var slept = await activity;
        return $"{string.Join(",", items)}|{slept}";
    }

    [WorkflowSignal]
    public Task AddAsync(string item)
    {
        items.Add(item);
        return Task.CompletedTask;
    }

    [WorkflowSignal]
    public Task FinishAsync()
    {
        finished = true;
        return Task.CompletedTask;
    }

    [WorkflowQuery]
    public IReadOnlyList<string> Items => items;
}

/// <summary>Waits for a signal forever (until cancelled or terminated).</summary>
[Workflow]
public sealed class WaitingWorkflow
{
    private string? value;

    [WorkflowRun]
    public async Task<string> RunAsync()
    {
        await Workflow.WaitConditionAsync(() => value is not null);
        return value!;
    }

    [WorkflowSignal]
    public Task SetAsync(string newValue)
    {
        value = newValue;
        return Task.CompletedTask;
    }
}
