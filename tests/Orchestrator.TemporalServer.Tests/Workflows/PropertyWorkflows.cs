using Orchestrator.TemporalServer.Tests.Activities;
using Temporalio.Common;
using Temporalio.Workflows;

namespace Orchestrator.TemporalServer.Tests.Workflows;

/// <summary>Sets two memo keys, then unsets one; runs an activity and a timer that carry summaries.</summary>
[Workflow]
public sealed class MemoWorkflow
{
    [WorkflowQuery]
    public bool Unset { get; private set; }

    [WorkflowRun]
    public async Task RunAsync()
    {
        Workflow.UpsertMemo(MemoUpdate.ValueSet("kept", "yes"), MemoUpdate.ValueSet("dropped", "soon"));
        await Workflow.ExecuteActivityAsync((ConformanceActivities a) => a.Greet("memo"),
            new ActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(10), Summary = "greeting activity" });
        Workflow.UpsertMemo(MemoUpdate.ValueUnset("dropped"));
        Unset = true;
        await Workflow.DelayWithOptionsAsync(new DelayOptions(TimeSpan.FromMilliseconds(10), "short timer"));
    }
}

/// <summary>Runs activities with large results until the server suggests continuing as new (or gives up).</summary>
[Workflow]
public sealed class GrowingHistoryWorkflow
{
    /// <summary>What the run saw: the activities it ran, the history size and whether continue-as-new was suggested.</summary>
    public sealed record Outcome(int Activities, long HistorySize, bool Suggested);

    [WorkflowQuery]
    public int Activities { get; private set; }

    [WorkflowRun]
    public async Task<Outcome> RunAsync(int kilobytes, int maxActivities)
    {
        while (!Workflow.ContinueAsNewSuggested && Activities < maxActivities)
        {
            await Workflow.ExecuteActivityAsync((ConformanceActivities a) => a.Blob(kilobytes),
                new ActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(30) });
            Activities++;
        }

        return new Outcome(Activities, Workflow.CurrentHistorySize, Workflow.ContinueAsNewSuggested);
    }
}

/// <summary>Starts a child with a priority; the child reports its root and priority.</summary>
[Workflow]
public sealed class RootParentWorkflow
{
    [WorkflowQuery]
    public string ChildId { get; private set; } = "";

    [WorkflowRun]
    public Task<string> RunAsync(int priorityKey)
    {
        ChildId = $"{Workflow.Info.WorkflowId}-child";
        return Workflow.ExecuteChildWorkflowAsync((RootChildWorkflow wf) => wf.RunAsync(),
            new ChildWorkflowOptions { Id = ChildId, Priority = new Priority(priorityKey) });
    }
}

/// <summary>Reports the root execution and the priority it was started with.</summary>
[Workflow]
public sealed class RootChildWorkflow
{
    [WorkflowQuery]
    public string Seen { get; private set; } = "";

    [WorkflowRun]
    public Task<string> RunAsync()
    {
        Seen = $"{Workflow.Info.Root?.WorkflowId}/{Workflow.Info.Root?.RunId}|{Workflow.Info.Priority.PriorityKey}";
        return Task.FromResult(Seen);
    }
}

/// <summary>Continues as new once with a start delay, then reports when its second run began working.</summary>
[Workflow]
public sealed class BackoffWorkflow
{
    [WorkflowQuery]
    public DateTime Began { get; private set; }

    [WorkflowRun]
    public Task<DateTime> RunAsync(double backoffSeconds)
    {
        Began = Workflow.UtcNow;
        return backoffSeconds > 0
            ? throw Workflow.CreateContinueAsNewException((BackoffWorkflow wf) => wf.RunAsync(0),
                new ContinueAsNewOptions { BackoffStartInterval = TimeSpan.FromSeconds(backoffSeconds) })
            : Task.FromResult(Began);
    }
}
