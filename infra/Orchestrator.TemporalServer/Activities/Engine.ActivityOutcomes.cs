using Google.Protobuf;
using Orchestrator.TemporalServer.Activities;
using Orchestrator.TemporalServer.Grpc;
using Orchestrator.TemporalServer.Matching;
using Orchestrator.TemporalServer.Workflows;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Failure.V1;
using Temporalio.Api.History.V1;

namespace Orchestrator.TemporalServer;

internal sealed partial class Engine
{
    /// <summary>The running activity attempt a task token names, or NOT_FOUND (the worker then stops it).</summary>
    public (WorkflowRun Run, ActivityState Activity) RunningActivity(ByteString token)
    {
        var parsed = TaskToken.Parse(token, TaskKind.Activity);
        var run = TryFindRun(parsed.Namespace, parsed.WorkflowId, parsed.RunId);
        if (run is not { IsRunning: true } || !run.Activities.TryGetValue(parsed.ScheduledEventId, out var activity)
            || activity.Attempt != parsed.Attempt || !activity.IsStarted)
        {
            throw RpcErrors.NotFound("activity task not found (it timed out, was cancelled or the workflow closed)");
        }

        return (run, activity);
    }

    public (WorkflowRun Run, ActivityState Activity) RunningActivity(string ns, string workflowId, string? runId, string activityId)
    {
        var run = FindRun(ns, workflowId, runId);
        var activity = run.IsRunning ? run.Activities.Values.FirstOrDefault(a => a.ActivityId == activityId && a.IsStarted) : null;
        return activity is null ? throw RpcErrors.NotFound($"activity {activityId} is not running") : (run, activity);
    }

    /// <summary>Records a heartbeat; answers whether cancellation was requested.</summary>
    public bool Heartbeat(WorkflowRun run, ActivityState activity, Payloads? details)
    {
        if (details is not null)
        {
            activity.HeartbeatDetails = details;
        }

        activity.LastHeartbeatTime = Now;
        ArmHeartbeatTimer(run, activity);
        return activity.CancelRequested;
    }

    public void CompleteActivity(WorkflowRun run, ActivityState activity, Payloads? result, string identity)
    {
        var completed = Event(EventType.ActivityTaskCompleted);
        completed.ActivityTaskCompletedEventAttributes = new ActivityTaskCompletedEventAttributes
        {
            Result = result, ScheduledEventId = activity.ScheduledEventId, StartedEventId = -1, Identity = identity ?? "",
        };
        FinishActivity(run, activity, completed);
    }

    public void FailActivity(WorkflowRun run, ActivityState activity, Failure failure, Payloads? lastHeartbeatDetails, string identity)
    {
        if (lastHeartbeatDetails is not null)
        {
            activity.HeartbeatDetails = lastHeartbeatDetails;
        }

        var state = TryRetry(run, activity, failure);
        if (state == RetryState.InProgress)
        {
            return;
        }

        var failed = Event(EventType.ActivityTaskFailed);
        failed.ActivityTaskFailedEventAttributes = new ActivityTaskFailedEventAttributes
        {
            Failure = failure, ScheduledEventId = activity.ScheduledEventId, StartedEventId = -1, Identity = identity ?? "", RetryState = state,
        };
        FinishActivity(run, activity, failed);
    }

    public void CanceledActivity(WorkflowRun run, ActivityState activity, Payloads? details, string identity)
    {
        var canceled = Event(EventType.ActivityTaskCanceled);
        canceled.ActivityTaskCanceledEventAttributes = new ActivityTaskCanceledEventAttributes
        {
            Details = details, LatestCancelRequestedEventId = activity.CancelRequestedEventId,
            ScheduledEventId = activity.ScheduledEventId, StartedEventId = -1, Identity = identity ?? "",
        };
        FinishActivity(run, activity, canceled);
    }

    private void RequestCancelActivity(CommandContext context, long scheduledEventId)
    {
        var run = context.Run;
        var requested = Event(EventType.ActivityTaskCancelRequested);
        requested.ActivityTaskCancelRequestedEventAttributes = new ActivityTaskCancelRequestedEventAttributes
        {
            ScheduledEventId = scheduledEventId, WorkflowTaskCompletedEventId = context.CompletedEventId,
        };
        run.Append(requested);
        if (!run.Activities.TryGetValue(scheduledEventId, out var activity))
        {
            return;
        }

        activity.CancelRequested = true;
        activity.CancelRequestedEventId = requested.EventId;
        if (!activity.IsStarted)
        {
            // Not on a worker: nothing to wait for, the cancellation is immediate.
            var canceled = Event(EventType.ActivityTaskCanceled);
            canceled.ActivityTaskCanceledEventAttributes = new ActivityTaskCanceledEventAttributes
            {
                LatestCancelRequestedEventId = requested.EventId, ScheduledEventId = scheduledEventId, Identity = context.Identity,
            };
            FinishActivity(run, activity, canceled);
        }
    }

    private void TimeOutActivity(WorkflowRun run, ActivityState activity, int attempt, TimeoutType type)
    {
        if (!run.IsRunning || !run.Activities.ContainsKey(activity.ScheduledEventId)
            || (type != TimeoutType.ScheduleToClose && activity.Attempt != attempt)
            || (type == TimeoutType.ScheduleToStart && activity.IsStarted)
            || (type is TimeoutType.StartToClose or TimeoutType.Heartbeat && !activity.IsStarted))
        {
            return;
        }

        var failure = new Failure
        {
            Message = $"activity {RetryPolicies.TimeoutName(type)} timeout",
            Source = "Server",
            TimeoutFailureInfo = new TimeoutFailureInfo { TimeoutType = type, LastHeartbeatDetails = activity.HeartbeatDetails },
            Cause = type == TimeoutType.ScheduleToClose ? activity.LastFailure : null,
        };
        var state = RetryState.Timeout;
        if (type is TimeoutType.StartToClose or TimeoutType.Heartbeat)
        {
            state = TryRetry(run, activity, failure);
            if (state == RetryState.InProgress)
            {
                return;
            }
        }

        var timedOut = Event(EventType.ActivityTaskTimedOut);
        timedOut.ActivityTaskTimedOutEventAttributes = new ActivityTaskTimedOutEventAttributes
        {
            Failure = failure, ScheduledEventId = activity.ScheduledEventId, StartedEventId = activity.IsStarted ? -1 : 0, RetryState = state,
        };
        FinishActivity(run, activity, timedOut);
    }

    /// <summary>Schedules the next attempt after the policy's backoff, or says why there is none.</summary>
    private RetryState TryRetry(WorkflowRun run, ActivityState activity, Failure failure)
    {
        var scheduleToClose = activity.Attributes.ScheduleToCloseTimeout.ToTimeSpan();
        DateTime? deadline = scheduleToClose > TimeSpan.Zero ? activity.FirstScheduledTime + scheduleToClose : null;
        var (delay, state) = RetryPolicies.Decide(activity.Attributes.RetryPolicy, activity.Attempt, failure, Now, deadline);
        if (delay is not { } backoff)
        {
            return state;
        }

        activity.CancelAttemptTimers();
        activity.LastFailure = failure;
        activity.Attempt++;
        activity.StartedTime = null;
        activity.InBackoff = true;
        var attempt = activity.Attempt;
        activity.AttemptTimers.Add(Clock.Schedule(backoff, () =>
        {
            if (run.IsRunning && run.Activities.ContainsKey(activity.ScheduledEventId) && activity.Attempt == attempt && activity.InBackoff)
            {
                QueueActivityAttempt(run, activity);
            }
        }));
        return RetryState.InProgress;
    }

    /// <summary>Writes the last attempt's started event (when it started) and the outcome, then wakes the workflow.</summary>
    private void FinishActivity(WorkflowRun run, ActivityState activity, HistoryEvent outcome)
    {
        activity.CancelAllTimers();
        run.Activities.Remove(activity.ScheduledEventId);
        if (activity.IsStarted)
        {
            var started = Event(EventType.ActivityTaskStarted);
            started.ActivityTaskStartedEventAttributes = new ActivityTaskStartedEventAttributes
            {
                ScheduledEventId = activity.ScheduledEventId,
                Identity = activity.StartedIdentity,
                RequestId = Guid.NewGuid().ToString(),
                Attempt = activity.Attempt,
                LastFailure = activity.LastFailure,
            };
            run.AppendOrBuffer(started);
        }

        Deliver(run, outcome);
        Clock.NotifyChanged();
    }
}
