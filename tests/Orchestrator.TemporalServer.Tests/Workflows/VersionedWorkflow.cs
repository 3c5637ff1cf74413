using Orchestrator.TemporalServer.Tests.Activities;
using Temporalio.Workflows;

namespace Orchestrator.TemporalServer.Tests.Workflows;

/// <summary>Uses what the lifecycle workflow uses: a patch, a local activity, an activity, a timer and a signal.</summary>
[Workflow]
public sealed class VersionedWorkflow
{
    private string? approval;

    [WorkflowRun]
    public async Task<string> RunAsync(string name)
    {
        var greeting = Workflow.Patched("greet-locally")
            ? await Workflow.ExecuteLocalActivityAsync((ConformanceActivities a) => a.Greet(name),
                new LocalActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(10) })
            : await Workflow.ExecuteActivityAsync((ConformanceActivities a) => a.Greet(name),
                new ActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(10) });
        await Workflow.DelayAsync(TimeSpan.FromMilliseconds(100));
        await Workflow.WaitConditionAsync(() => approval is not null);
        var slept = await Workflow.ExecuteActivityAsync((ConformanceActivities a) => a.Sleep(0),
            new ActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(10) });
        return $"{greeting}/{approval}/{slept}";
    }

    [WorkflowSignal]
    public Task ApproveAsync(string by)
    {
        approval = by;
        return Task.CompletedTask;
    }

    [WorkflowQuery]
    public bool WaitingForApproval => approval is null;
}
