using Orchestrator.TemporalServer.Workflows;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using ApiTaskQueue = Temporalio.Api.TaskQueue.V1.TaskQueue;

namespace Orchestrator.TemporalServer;

/// <summary>
/// Writing a workflow task's events: at once for a normal task, only when needed for a speculative one (a task
/// that carries nothing but updates; Temporal's docs/architecture/speculative-workflow-task.md).
/// </summary>
internal sealed partial class Engine
{
    private static void WriteScheduledEvent(WorkflowRun run, WorkflowTaskState task)
    {
        var scheduled = ScheduledEvent(run, task);
        run.Append(scheduled);
        task.ScheduledEventId = scheduled.EventId;
        task.Speculative = false;
    }

    private static HistoryEvent ScheduledEvent(WorkflowRun run, WorkflowTaskState task)
    {
        var scheduled = WorkflowRun.NewEvent(EventType.WorkflowTaskScheduled, task.ScheduledTime);
        scheduled.WorkflowTaskScheduledEventAttributes = new WorkflowTaskScheduledEventAttributes
        {
            TaskQueue = new ApiTaskQueue { Name = run.TaskQueue, Kind = TaskQueueKind.Normal },
            StartToCloseTimeout = run.WorkflowTaskTimeout,
            Attempt = task.Attempt,
        };
        return scheduled;
    }

    /// <summary>Writes a speculative task's events after all, when what it did must be recorded.</summary>
    private static void WriteUnwrittenEvents(WorkflowRun run, WorkflowTaskState task)
    {
        foreach (var e in task.UnwrittenEvents)
        {
            run.Append(e);
        }

        task.UnwrittenEvents.Clear();
        task.Speculative = false;
    }
}
