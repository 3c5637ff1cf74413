using Orchestrator.TemporalServer.Grpc;
using Orchestrator.TemporalServer.Workflows;
using Temporalio.Api.Command.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;

namespace Orchestrator.TemporalServer;

/// <summary>The workflow task completion whose commands are being applied.</summary>
internal sealed class CommandContext(WorkflowRun run, long completedEventId, string identity)
{
    public WorkflowRun Run { get; } = run;

    public long CompletedEventId { get; } = completedEventId;

    public string Identity { get; } = identity;

    /// <summary>Set when a command's outcome must be seen by the workflow even if no event was buffered.</summary>
    public bool NeedsWorkflowTask { get; set; }

    /// <summary>The update protocol messages of the task completion, for PROTOCOL_MESSAGE commands.</summary>
    public Updates.UpdateMessages? Messages { get; init; }

    /// <summary>The user metadata (summary, details) of the command being applied.</summary>
    public Temporalio.Api.Sdk.V1.UserMetadata? UserMetadata { get; set; }
}

internal sealed partial class Engine
{
    /// <summary>
    /// Turns one command into its history event(s). Each command has exactly one matching event, as the SDK
    /// replays them pairwise; a missing or different event is a nondeterminism error on the worker.
    /// </summary>
    private void ApplyCommand(CommandContext context, Command command)
    {
        var run = context.Run;
        context.UserMetadata = command.UserMetadata;
        switch (command.CommandType)
        {
            case CommandType.ScheduleActivityTask:
                ScheduleActivity(context, command.ScheduleActivityTaskCommandAttributes);
                break;
            case CommandType.RequestCancelActivityTask:
                RequestCancelActivity(context, command.RequestCancelActivityTaskCommandAttributes.ScheduledEventId);
                break;
            case CommandType.StartTimer:
                StartTimer(context, command.StartTimerCommandAttributes);
                break;
            case CommandType.CancelTimer:
                CancelTimer(context, command.CancelTimerCommandAttributes.TimerId);
                break;
            case CommandType.CompleteWorkflowExecution:
                var completed = Event(EventType.WorkflowExecutionCompleted);
                completed.WorkflowExecutionCompletedEventAttributes = new WorkflowExecutionCompletedEventAttributes
                {
                    Result = command.CompleteWorkflowExecutionCommandAttributes.Result,
                    WorkflowTaskCompletedEventId = context.CompletedEventId,
                };
                CloseRun(run, WorkflowExecutionStatus.Completed, completed);
                break;
            case CommandType.FailWorkflowExecution:
                var failed = Event(EventType.WorkflowExecutionFailed);
                failed.WorkflowExecutionFailedEventAttributes = new WorkflowExecutionFailedEventAttributes
                {
                    Failure = command.FailWorkflowExecutionCommandAttributes.Failure,
                    RetryState = RetryState.RetryPolicyNotSet,
                    WorkflowTaskCompletedEventId = context.CompletedEventId,
                };
                CloseRun(run, WorkflowExecutionStatus.Failed, failed);
                break;
            case CommandType.CancelWorkflowExecution:
                var canceled = Event(EventType.WorkflowExecutionCanceled);
                canceled.WorkflowExecutionCanceledEventAttributes = new WorkflowExecutionCanceledEventAttributes
                {
                    Details = command.CancelWorkflowExecutionCommandAttributes.Details,
                    WorkflowTaskCompletedEventId = context.CompletedEventId,
                };
                CloseRun(run, WorkflowExecutionStatus.Canceled, canceled);
                break;
            case CommandType.ContinueAsNewWorkflowExecution:
                ContinueAsNew(context, command.ContinueAsNewWorkflowExecutionCommandAttributes);
                break;
            case CommandType.StartChildWorkflowExecution:
                StartChild(context, command.StartChildWorkflowExecutionCommandAttributes);
                break;
            case CommandType.SignalExternalWorkflowExecution:
                SignalExternal(context, command.SignalExternalWorkflowExecutionCommandAttributes);
                break;
            case CommandType.RequestCancelExternalWorkflowExecution:
                CancelExternal(context, command.RequestCancelExternalWorkflowExecutionCommandAttributes);
                break;
            case CommandType.RecordMarker:
                var marker = Event(EventType.MarkerRecorded);
                var markerCommand = command.RecordMarkerCommandAttributes;
                marker.MarkerRecordedEventAttributes = new MarkerRecordedEventAttributes
                {
                    MarkerName = markerCommand.MarkerName,
                    Header = markerCommand.Header,
                    Failure = markerCommand.Failure,
                    WorkflowTaskCompletedEventId = context.CompletedEventId,
                };
                marker.MarkerRecordedEventAttributes.Details.Add(markerCommand.Details);
                run.Append(marker);
                break;
            case CommandType.UpsertWorkflowSearchAttributes:
                var upserted = command.UpsertWorkflowSearchAttributesCommandAttributes.SearchAttributes;
                PayloadMaps.Merge(run.SearchAttributes.IndexedFields, upserted.IndexedFields);

                var upsert = Event(EventType.UpsertWorkflowSearchAttributes);
                upsert.UpsertWorkflowSearchAttributesEventAttributes = new UpsertWorkflowSearchAttributesEventAttributes
                {
                    SearchAttributes = upserted,
                    WorkflowTaskCompletedEventId = context.CompletedEventId,
                };
                run.Append(upsert);
                break;
            case CommandType.ModifyWorkflowProperties:
                var memo = command.ModifyWorkflowPropertiesCommandAttributes.UpsertedMemo;
                PayloadMaps.Merge(run.Memo.Fields, memo.Fields);

                var modified = Event(EventType.WorkflowPropertiesModified);
                modified.WorkflowPropertiesModifiedEventAttributes = new WorkflowPropertiesModifiedEventAttributes
                {
                    UpsertedMemo = memo,
                    WorkflowTaskCompletedEventId = context.CompletedEventId,
                };
                run.Append(modified);
                break;
            case CommandType.ProtocolMessage:
                ApplyProtocolMessage(context, command.ProtocolMessageCommandAttributes.MessageId);
                break;
            default:
                throw RpcErrors.Unsupported($"command {command.CommandType}");
        }
    }

    private HistoryEvent Event(EventType type) => WorkflowRun.NewEvent(type, Now);

    private void StartTimer(CommandContext context, StartTimerCommandAttributes command)
    {
        var run = context.Run;
        var started = Event(EventType.TimerStarted);
        started.TimerStartedEventAttributes = new TimerStartedEventAttributes
        {
            TimerId = command.TimerId,
            StartToFireTimeout = command.StartToFireTimeout,
            WorkflowTaskCompletedEventId = context.CompletedEventId,
        };
        run.Append(started);
        var startedEventId = started.EventId;
        var timer = Clock.Schedule(command.StartToFireTimeout.ToTimeSpan(), () =>
        {
            if (!run.IsRunning || !run.Timers.Remove(command.TimerId))
            {
                return;
            }

            var fired = Event(EventType.TimerFired);
            fired.TimerFiredEventAttributes = new TimerFiredEventAttributes { TimerId = command.TimerId, StartedEventId = startedEventId };
            Deliver(run, fired);
        });
        run.Timers[command.TimerId] = (startedEventId, timer);
    }

    private void CancelTimer(CommandContext context, string timerId)
    {
        var run = context.Run;
        if (!run.Timers.Remove(timerId, out var timer))
        {
            throw RpcErrors.InvalidArgument($"timer {timerId} is not pending");
        }

        timer.Timer.Cancelled = true;
        var canceled = Event(EventType.TimerCanceled);
        canceled.TimerCanceledEventAttributes = new TimerCanceledEventAttributes
        {
            TimerId = timerId,
            StartedEventId = timer.StartedEventId,
            WorkflowTaskCompletedEventId = context.CompletedEventId,
            Identity = context.Identity,
        };
        run.Append(canceled);
    }
}
