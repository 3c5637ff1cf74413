using Orchestrator.TemporalServer.Workflows;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;

namespace Orchestrator.TemporalServer;

internal sealed partial class Engine
{
    /// <summary>
    /// Closes a run with its close event: stops its timers and activities, tells its parent (unless it
    /// continued as new: the parent hears from the last run) and applies the parent close policy to children.
    /// </summary>
    public void CloseRun(WorkflowRun run, WorkflowExecutionStatus status, HistoryEvent closeEvent)
    {
        if (!run.IsRunning)
        {
            return;
        }

        run.DropBuffered();
        run.Append(closeEvent);
        run.Status = status;
        run.CloseTime = Now;
        if (run.WorkflowTask?.Timeout is { } wtTimeout)
        {
            wtTimeout.Cancelled = true;
        }

        run.WorkflowTask = null;
        AbortUpdates(run);
        ReleaseDeferredQueries(run);
        foreach (var timer in run.RunTimers)
        {
            timer.Cancelled = true;
        }

        foreach (var (_, timer) in run.Timers.Values)
        {
            timer.Cancelled = true;
        }

        run.Timers.Clear();
        foreach (var activity in run.Activities.Values)
        {
            activity.CancelAllTimers();
        }

        run.Activities.Clear();
        if (status != WorkflowExecutionStatus.ContinuedAsNew)
        {
            NotifyParent(run, closeEvent);
        }

        ApplyParentClosePolicy(run);
        Clock.NotifyChanged();
    }

    public void Terminate(WorkflowRun run, string reason, Payloads? details, string identity)
    {
        var terminated = Event(EventType.WorkflowExecutionTerminated);
        terminated.WorkflowExecutionTerminatedEventAttributes = new WorkflowExecutionTerminatedEventAttributes
        {
            Reason = reason ?? "",
            Details = details,
            Identity = identity ?? "",
        };
        CloseRun(run, WorkflowExecutionStatus.Terminated, terminated);
    }

    public void RequestCancel(WorkflowRun run, string reason, string identity, WorkflowExecution? external = null, long externalInitiatedEventId = 0)
    {
        if (!run.IsRunning || run.CancelRequested)
        {
            return;
        }

        run.CancelRequested = true;
        var requested = Event(EventType.WorkflowExecutionCancelRequested);
        requested.WorkflowExecutionCancelRequestedEventAttributes = new WorkflowExecutionCancelRequestedEventAttributes
        {
            Cause = reason ?? "",
            Identity = identity ?? "",
            ExternalWorkflowExecution = external,
            ExternalInitiatedEventId = externalInitiatedEventId,
        };
        Deliver(run, requested);
    }

    private void TimeOutRun(WorkflowRun run)
    {
        var timedOut = Event(EventType.WorkflowExecutionTimedOut);
        timedOut.WorkflowExecutionTimedOutEventAttributes = new WorkflowExecutionTimedOutEventAttributes { RetryState = RetryState.Timeout };
        CloseRun(run, WorkflowExecutionStatus.TimedOut, timedOut);
    }
}
