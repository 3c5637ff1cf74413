using Temporalio.Workflows;

namespace Orchestrator.TemporalServer.Tests.Workflows;

/// <summary>Sleeps on a durable timer and reports how much workflow time passed.</summary>
[Workflow]
public sealed class TimerWorkflow
{
    [WorkflowQuery]
    public DateTime Started { get; private set; }

    [WorkflowRun]
    public async Task<double> RunAsync(double days)
    {
        Started = Workflow.UtcNow;
        await Workflow.DelayAsync(TimeSpan.FromDays(days));
        return (Workflow.UtcNow - Started).TotalDays;
    }
}

/// <summary>An approval with a deadline: a signal before the deadline approves, else it expires.</summary>
[Workflow]
public sealed class DeadlineWorkflow
{
    private bool approved;

    [WorkflowRun]
    public async Task<string> RunAsync(double deadlineDays)
    {
        var inTime = await Workflow.WaitConditionAsync(() => approved, TimeSpan.FromDays(deadlineDays));
        return inTime ? "approved" : "expired";
    }

    [WorkflowSignal]
    public Task ApproveAsync()
    {
        approved = true;
        return Task.CompletedTask;
    }
}

/// <summary>Waits two days; a signal makes it run a workflow task, whose time a query then reports.</summary>
[Workflow]
public sealed class SlowWorkflow
{
    private int pokes;

    [WorkflowRun]
    public async Task<string> RunAsync()
    {
        await Workflow.DelayAsync(TimeSpan.FromDays(2));
        return $"all done after {pokes} pokes";
    }

    [WorkflowQuery]
    public DateTime CurrentTime() => pokes >= 0 ? Workflow.UtcNow : default;

    [WorkflowSignal]
    public Task PokeAsync()
    {
        pokes++;
        return Task.CompletedTask;
    }
}
