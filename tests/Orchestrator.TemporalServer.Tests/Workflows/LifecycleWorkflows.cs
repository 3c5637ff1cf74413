using Orchestrator.TemporalServer.Tests.Activities;
using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace Orchestrator.TemporalServer.Tests.Workflows;

/// <summary>Counts up by continuing as new until it reaches the target.</summary>
[Workflow]
public sealed class CountingWorkflow
{
    [WorkflowQuery]
    public int Current { get; private set; }

    [WorkflowRun]
    public Task<int> RunAsync(int current, int target)
    {
        Current = current;
        return current < target
            ? throw Workflow.CreateContinueAsNewException((CountingWorkflow wf) => wf.RunAsync(current + 1, target))
            : Task.FromResult(current);
    }
}

/// <summary>A child that greets through an activity, or fails when asked to.</summary>
[Workflow]
public sealed class ChildWorkflow
{
    [WorkflowQuery]
    public string Name { get; private set; } = "";

    [WorkflowRun]
    public async Task<string> RunAsync(string name)
    {
        Name = name;
        if (name == "fail")
        {
            throw new ApplicationFailureException("child failed on purpose", errorType: "ChildError");
        }

        return await Workflow.ExecuteActivityAsync((ConformanceActivities a) => a.Greet(name),
            new ActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(10) });
    }
}

/// <summary>Runs two children in parallel and reports their outcomes.</summary>
[Workflow]
public sealed class ParentWorkflow
{
    [WorkflowQuery]
    public int Started { get; private set; }

    [WorkflowRun]
    public async Task<string> RunAsync(string first, string second)
    {
        var id = Workflow.Info.WorkflowId;
        var a = Workflow.ExecuteChildWorkflowAsync((ChildWorkflow wf) => wf.RunAsync(first), new ChildWorkflowOptions { Id = $"{id}-a" });
        var b = Workflow.ExecuteChildWorkflowAsync((ChildWorkflow wf) => wf.RunAsync(second), new ChildWorkflowOptions { Id = $"{id}-b" });
        Started = 2;
        return $"{await Outcome(a)};{await Outcome(b)}";
    }

    private static async Task<string> Outcome(Task<string> child)
    {
        try
        {
            return await child;
        }
        catch (ChildWorkflowFailureException e) when (e.InnerException is ApplicationFailureException app)
        {
            return $"failed:{app.ErrorType}";
        }
    }
}

/// <summary>Runs an activity until cancelled; the workflow cancels it itself after a timer, or is cancelled.</summary>
[Workflow]
public sealed class CancellationWorkflow
{
    [WorkflowQuery]
    public bool ActivityScheduled { get; private set; }

    [WorkflowRun]
    public async Task<string> RunAsync(bool cancelActivityItself)
    {
        using var activityCancel = CancellationTokenSource.CreateLinkedTokenSource(Workflow.CancellationToken);
        var options = new ActivityOptions
        {
            StartToCloseTimeout = TimeSpan.FromMinutes(1),
            HeartbeatTimeout = TimeSpan.FromSeconds(5),
            CancellationToken = activityCancel.Token,
            CancellationType = ActivityCancellationType.WaitCancellationCompleted,
        };
        var activity = Workflow.ExecuteActivityAsync((ConformanceActivities a) => a.WaitForCancel(), options);
        ActivityScheduled = true;
        if (cancelActivityItself)
        {
            await Workflow.DelayAsync(TimeSpan.FromMilliseconds(500));
            activityCancel.Cancel();
        }

        try
        {
            return await activity;
        }
        catch (ActivityFailureException e) when (e.InnerException is CanceledFailureException && !Workflow.CancellationToken.IsCancellationRequested)
        {
            return "activity cancelled";
        }
    }
}
