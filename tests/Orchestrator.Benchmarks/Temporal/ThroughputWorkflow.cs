using Temporalio.Activities;
using Temporalio.Workflows;

namespace Orchestrator.Benchmarks.Temporal;

/// <summary>The simplest real workflow: one activity; returns the activity's round trip in workflow time.</summary>
[Workflow]
public sealed class ThroughputWorkflow
{
    [WorkflowQuery]
    public double RoundTripMilliseconds { get; private set; }

    [WorkflowRun]
    public async Task<double> RunAsync(string input)
    {
        var before = Workflow.UtcNow;
        await Workflow.ExecuteActivityAsync(() => ThroughputActivities.Echo(input),
            new ActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(30) });
        RoundTripMilliseconds = (Workflow.UtcNow - before).TotalMilliseconds;
        return RoundTripMilliseconds;
    }
}

/// <summary>An activity that does no work, so only the orchestration is measured.</summary>
public static class ThroughputActivities
{
    [Activity]
    public static string Echo(string input) => input;
}
