using Google.Protobuf.WellKnownTypes;
using Orchestrator.TemporalServer.Activities;
using Orchestrator.TemporalServer.Namespaces;
using Orchestrator.TemporalServer.Time;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;

namespace Orchestrator.TemporalServer.Workflows;

/// <summary>
/// The workflow task of a run: scheduled, then started by a poller; at most one per run. A speculative task
/// (one that only carries workflow updates) writes no events until it completes with something to record,
/// so an update the workflow rejects leaves no trace in the history, as in Temporal.
/// </summary>
internal sealed class WorkflowTaskState
{
    public long ScheduledEventId { get; set; }

    /// <summary>Names this task in its token: a later speculative task may have the same scheduled event id.</summary>
    public string Instance { get; } = Interlocked.Increment(ref instances).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static long instances;

    /// <summary>Its scheduled and started events are not in the history (yet).</summary>
    public bool Speculative { get; set; }

    /// <summary>The speculative task's scheduled and started events, shown to the worker but not written.</summary>
    public List<HistoryEvent> UnwrittenEvents { get; } = [];

    /// <summary>The updates this task carries to the worker.</summary>
    public List<Updates.UpdateState> SentUpdates { get; } = [];

    public long StartedEventId { get; set; }

    public int Attempt { get; init; }

    public DateTime ScheduledTime { get; init; }

    public DateTime StartedTime { get; set; }

    public ClockTimer? Timeout { get; set; }

    public bool Started => StartedEventId > 0;
}

/// <summary>A child workflow started by a run, keyed by its initiated event id.</summary>
internal sealed class ChildState
{
    public required string Namespace { get; init; }

    public required string WorkflowId { get; init; }

    public required string WorkflowType { get; init; }

    public string RunId { get; set; } = "";

    public long StartedEventId { get; set; }

    public ParentClosePolicy ClosePolicy { get; init; }
}

/// <summary>
/// One run of a workflow: its history and the mutable state derived from it (workflow task, activities,
/// timers, children). Events that arrive while a workflow task is running are buffered and written after
/// that task completes, as Temporal does, so a worker never sees history change under a task.
/// All members run under the engine's gate.
/// </summary>
internal sealed class WorkflowRun(NamespaceEntry ns, string workflowId, string runId, string workflowType, string taskQueue)
{
    private readonly List<HistoryEvent> buffered = [];
    private TaskCompletionSource historyChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public NamespaceEntry Namespace { get; } = ns;

    public string WorkflowId { get; } = workflowId;

    public string RunId { get; } = runId;

    public string WorkflowType { get; } = workflowType;

    public string TaskQueue { get; } = taskQueue;

    public List<HistoryEvent> History { get; } = [];

    public WorkflowExecutionStatus Status { get; set; } = WorkflowExecutionStatus.Running;

    public bool IsRunning => Status == WorkflowExecutionStatus.Running;

    public DateTime StartTime { get; set; }

    public DateTime? CloseTime { get; set; }

    public string FirstRunId { get; set; } = runId;

    public string StartRequestId { get; set; } = "";

    public Duration WorkflowTaskTimeout { get; set; } = Duration.FromTimeSpan(TimeSpan.FromSeconds(10));

    public Duration? RunTimeout { get; set; }

    public SearchAttributes SearchAttributes { get; set; } = new();

    public Memo Memo { get; set; } = new();

    /// <summary>The static summary and details given at start (shown by describe).</summary>
    public Temporalio.Api.Sdk.V1.UserMetadata? UserMetadata { get; set; }

    /// <summary>The top-level workflow of a tree of children; null when this run is its own root.</summary>
    public WorkflowExecution? Root { get; set; }

    /// <summary>When the first workflow task may be scheduled (continue-as-new backoff); null: at once.</summary>
    public DateTime? FirstTaskDue { get; set; }

    /// <summary>The serialized size of the history, as Temporal reports it to workers (history_size_bytes).</summary>
    public long HistorySizeBytes { get; private set; }

    public WorkflowTaskState? WorkflowTask { get; set; }

    /// <summary>Query tasks held back while a workflow task is in flight; dispatched when it ends.</summary>
    public List<Action> DeferredQueries { get; } = [];

    /// <summary>Started event id of the last completed workflow task (the poll response's previous_started_event_id).</summary>
    public long LastCompletedStartedEventId { get; set; }

    public Dictionary<long, ActivityState> Activities { get; } = [];

    public Dictionary<string, (long StartedEventId, ClockTimer Timer)> Timers { get; } = new(StringComparer.Ordinal);

    public Dictionary<long, ChildState> Children { get; } = [];

    /// <summary>The run's workflow updates by id: in flight and completed (rejected ones are forgotten, as in Temporal).</summary>
    public Dictionary<string, Updates.UpdateState> Updates { get; } = new(StringComparer.Ordinal);

    /// <summary>Updates admitted but not yet sent to a worker, in arrival order.</summary>
    public IEnumerable<Updates.UpdateState> UnsentUpdates => Updates.Values.Where(u => u.Stage == UpdateWorkflowExecutionLifecycleStage.Admitted && !u.Sent).OrderBy(u => u.Sequence);

    public List<ClockTimer> RunTimers { get; } = [];

    public ParentInfo? Parent { get; set; }

    public bool CancelRequested { get; set; }

    /// <summary>The run that continued this one, once it continued as new.</summary>
    public string? NextRunId { get; set; }

    public long NextEventId => History.Count + 1;

    public bool HasBufferedEvents => buffered.Count > 0;

    /// <summary>Completes (and replaces) on every history change, for long polls of the history.</summary>
    public Task HistoryChanged => historyChanged.Task;

    public static HistoryEvent NewEvent(EventType type, DateTime time) =>
        new() { EventType = type, EventTime = Timestamp.FromDateTime(time) };

    /// <summary>Writes an event at the end of the history now.</summary>
    public HistoryEvent Append(HistoryEvent e)
    {
        e.EventId = NextEventId;
        e.TaskId = e.EventId;
        FixStartedEventId(e);
        History.Add(e);
        HistorySizeBytes += e.CalculateSize();
        if (e.EventType == EventType.ChildWorkflowExecutionStarted
            && Children.TryGetValue(e.ChildWorkflowExecutionStartedEventAttributes.InitiatedEventId, out var child))
        {
            child.StartedEventId = e.EventId;
        }

        var changed = historyChanged;
        historyChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.SetResult();
        return e;
    }

    /// <summary>Attaches a command's user metadata (summary, details) to the event the command wrote.</summary>
    public void AttachUserMetadata(int index, Temporalio.Api.Sdk.V1.UserMetadata metadata)
    {
        var e = History[index];
        HistorySizeBytes -= e.CalculateSize();
        e.UserMetadata = metadata;
        HistorySizeBytes += e.CalculateSize();
    }

    /// <summary>Writes the event now, or after the running workflow task when one is running.</summary>
    public void AppendOrBuffer(HistoryEvent e)
    {
        if (WorkflowTask is { Started: true })
        {
            buffered.Add(e);
        }
        else
        {
            Append(e);
        }
    }

    public int FlushBuffered()
    {
        var count = buffered.Count;
        foreach (var e in buffered)
        {
            Append(e);
        }

        buffered.Clear();
        return count;
    }

    public void DropBuffered() => buffered.Clear();

    /// <summary>
    /// An activity's started event is written together with its outcome (as Temporal does for activities
    /// with retries), so the outcome's started_event_id is only known when the pair is written: -1 marks it.
    /// </summary>
    private void FixStartedEventId(HistoryEvent e)
    {
        var previous = History.Count > 0 ? History[^1].EventId : 0;
        switch (e.EventType)
        {
            case EventType.ActivityTaskCompleted when e.ActivityTaskCompletedEventAttributes.StartedEventId < 0:
                e.ActivityTaskCompletedEventAttributes.StartedEventId = previous;
                break;
            case EventType.ActivityTaskFailed when e.ActivityTaskFailedEventAttributes.StartedEventId < 0:
                e.ActivityTaskFailedEventAttributes.StartedEventId = previous;
                break;
            case EventType.ActivityTaskTimedOut when e.ActivityTaskTimedOutEventAttributes.StartedEventId < 0:
                e.ActivityTaskTimedOutEventAttributes.StartedEventId = previous;
                break;
            case EventType.ActivityTaskCanceled when e.ActivityTaskCanceledEventAttributes.StartedEventId < 0:
                e.ActivityTaskCanceledEventAttributes.StartedEventId = previous;
                break;
            default:
                break;
        }
    }

}

/// <summary>The parent of a child run, and the root of the tree it belongs to.</summary>
internal sealed record ParentInfo(string Namespace, string NamespaceId, string WorkflowId, string RunId, long InitiatedEventId, WorkflowExecution Root);
