using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Orchestrator.TemporalServer.Activities;
using Orchestrator.TemporalServer.Grpc;
using Orchestrator.TemporalServer.Matching;
using Orchestrator.TemporalServer.Workflows;
using Temporalio.Api.Command.V1;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Orchestrator.TemporalServer;

internal sealed partial class Engine
{
    private static readonly Duration NoTimeout = new();

    private void ScheduleActivity(CommandContext context, ScheduleActivityTaskCommandAttributes command)
    {
        var run = context.Run;
        var (scheduleToClose, scheduleToStart, startToClose, heartbeat) = NormalizeTimeouts(run, command);
        var scheduled = Event(EventType.ActivityTaskScheduled);
        scheduled.ActivityTaskScheduledEventAttributes = new ActivityTaskScheduledEventAttributes
        {
            ActivityId = command.ActivityId,
            ActivityType = command.ActivityType,
            TaskQueue = command.TaskQueue is { Name.Length: > 0 } queue ? queue : new Temporalio.Api.TaskQueue.V1.TaskQueue { Name = run.TaskQueue, Kind = TaskQueueKind.Normal },
            Header = command.Header,
            Input = command.Input,
            ScheduleToCloseTimeout = scheduleToClose,
            ScheduleToStartTimeout = scheduleToStart,
            StartToCloseTimeout = startToClose,
            HeartbeatTimeout = heartbeat,
            WorkflowTaskCompletedEventId = context.CompletedEventId,
            RetryPolicy = RetryPolicies.Complete(command.RetryPolicy),
            UseWorkflowBuildId = command.UseWorkflowBuildId,
            Priority = command.Priority,
        };
        run.Append(scheduled);
        var activity = new ActivityState(scheduled.EventId, scheduled.ActivityTaskScheduledEventAttributes, Now);
        run.Activities[scheduled.EventId] = activity;
        if (scheduleToClose.ToTimeSpan() > TimeSpan.Zero)
        {
            activity.ScheduleToCloseTimer = Clock.Schedule(scheduleToClose.ToTimeSpan(),
                () => TimeOutActivity(run, activity, activity.Attempt, TimeoutType.ScheduleToClose));
        }

        QueueActivityAttempt(run, activity);
    }

    /// <summary>Temporal's defaulting: schedule-to-close bounds everything; start-to-close defaults to it.</summary>
    private static (Duration ScheduleToClose, Duration ScheduleToStart, Duration StartToClose, Duration Heartbeat) NormalizeTimeouts(
        WorkflowRun run, ScheduleActivityTaskCommandAttributes command)
    {
        static TimeSpan Of(Duration? d) => d?.ToTimeSpan() is { } t && t > TimeSpan.Zero ? t : TimeSpan.Zero;
        var scheduleToClose = Of(command.ScheduleToCloseTimeout);
        var startToClose = Of(command.StartToCloseTimeout);
        if (scheduleToClose == TimeSpan.Zero && startToClose == TimeSpan.Zero)
        {
            throw RpcErrors.InvalidArgument($"activity {command.ActivityId}: a start-to-close or schedule-to-close timeout is required");
        }

        if (scheduleToClose == TimeSpan.Zero)
        {
            scheduleToClose = Of(run.RunTimeout);
        }

        if (startToClose == TimeSpan.Zero || (scheduleToClose > TimeSpan.Zero && startToClose > scheduleToClose))
        {
            startToClose = scheduleToClose;
        }

        var scheduleToStart = Of(command.ScheduleToStartTimeout);
        if (scheduleToStart == TimeSpan.Zero || (scheduleToClose > TimeSpan.Zero && scheduleToStart > scheduleToClose))
        {
            scheduleToStart = scheduleToClose;
        }

        var heartbeat = Of(command.HeartbeatTimeout);
        if (heartbeat > startToClose)
        {
            heartbeat = startToClose;
        }

        return (Duration.FromTimeSpan(scheduleToClose), Duration.FromTimeSpan(scheduleToStart),
            Duration.FromTimeSpan(startToClose), Duration.FromTimeSpan(heartbeat));
    }

    private void QueueActivityAttempt(WorkflowRun run, ActivityState activity)
    {
        activity.InBackoff = false;
        activity.StartedTime = null;
        activity.AttemptScheduledTime = Now;
        var attempt = activity.Attempt;
        if (activity.Attributes.ScheduleToStartTimeout.ToTimeSpan() is { } scheduleToStart && scheduleToStart > TimeSpan.Zero)
        {
            activity.AttemptTimers.Add(Clock.Schedule(scheduleToStart, () => TimeOutActivity(run, activity, attempt, TimeoutType.ScheduleToStart)));
        }

        Queue(run.Namespace.Name, activity.Attributes.TaskQueue.Name, activity: true).Add(new ActivityDispatch(this, run, activity, attempt));
        Clock.NotifyChanged();
    }

    private PollActivityTaskQueueResponse? StartActivityTask(WorkflowRun run, ActivityState activity, int attempt, string identity)
    {
        if (!run.IsRunning || !run.Activities.ContainsKey(activity.ScheduledEventId) || activity.Attempt != attempt || activity.IsStarted || activity.InBackoff)
        {
            return null;
        }

        activity.StartedTime = Now;
        activity.StartedIdentity = identity;
        activity.CancelAttemptTimers();
        var attributes = activity.Attributes;
        if (attributes.StartToCloseTimeout.ToTimeSpan() is { } startToClose && startToClose > TimeSpan.Zero)
        {
            activity.AttemptTimers.Add(Clock.Schedule(startToClose, () => TimeOutActivity(run, activity, attempt, TimeoutType.StartToClose)));
        }

        ArmHeartbeatTimer(run, activity);
        return new PollActivityTaskQueueResponse
        {
            TaskToken = new TaskToken(TaskKind.Activity, run.Namespace.Name, run.WorkflowId, run.RunId, activity.ScheduledEventId, attempt).ToByteString(),
            WorkflowNamespace = run.Namespace.Name,
            WorkflowType = new WorkflowType { Name = run.WorkflowType },
            WorkflowExecution = new WorkflowExecution { WorkflowId = run.WorkflowId, RunId = run.RunId },
            ActivityType = attributes.ActivityType,
            ActivityId = attributes.ActivityId,
            Header = attributes.Header,
            Input = attributes.Input,
            HeartbeatDetails = activity.HeartbeatDetails,
            ScheduledTime = Timestamp.FromDateTime(activity.FirstScheduledTime),
            CurrentAttemptScheduledTime = Timestamp.FromDateTime(activity.AttemptScheduledTime),
            StartedTime = Timestamp.FromDateTime(Now),
            Attempt = attempt,
            ScheduleToCloseTimeout = attributes.ScheduleToCloseTimeout,
            StartToCloseTimeout = attributes.StartToCloseTimeout,
            HeartbeatTimeout = attributes.HeartbeatTimeout,
            RetryPolicy = attributes.RetryPolicy,
            Priority = attributes.Priority,
        };
    }

    private void ArmHeartbeatTimer(WorkflowRun run, ActivityState activity)
    {
        if (activity.HeartbeatTimer is not null)
        {
            activity.HeartbeatTimer.Cancelled = true;
            activity.HeartbeatTimer = null;
        }

        if (activity.Attributes.HeartbeatTimeout.ToTimeSpan() is { } heartbeat && heartbeat > TimeSpan.Zero)
        {
            var attempt = activity.Attempt;
            activity.HeartbeatTimer = Clock.Schedule(heartbeat, () => TimeOutActivity(run, activity, attempt, TimeoutType.Heartbeat));
        }
    }

    private sealed class ActivityDispatch(Engine engine, WorkflowRun run, ActivityState activity, int attempt) : IQueuedTask
    {
        public IMessage? TryDispatch(string identity) => engine.StartActivityTask(run, activity, attempt, identity);
    }
}
