using Orchestrator.TemporalServer.Grpc;
using Temporalio.Api.Command.V1;
using Temporalio.Api.Enums.V1;

namespace Orchestrator.TemporalServer.Workflows;

/// <summary>Why a workflow task's commands were refused; <see cref="Unsupported"/>: no retry can help.</summary>
internal sealed record InvalidCommand(WorkflowTaskFailedCause Cause, string Message, bool Unsupported = false);

/// <summary>
/// Checks a workflow task's commands before any of them is applied, so a bad or unsupported command fails
/// the task as a whole (as Temporal does, with a cause the SDK reports) instead of half-applying it. A command
/// the server does not support ends the run at once (see Engine.CompleteWorkflowTask) rather than failing
/// its task again and again with nothing surfaced.
/// </summary>
internal static class CommandValidation
{
    public static InvalidCommand? Validate(WorkflowRun run, IEnumerable<Command> commands, IEnumerable<string> messageIds)
    {
        var timers = new HashSet<string>(run.Timers.Keys, StringComparer.Ordinal);
        HashSet<string>? messages = null;
        foreach (var command in commands)
        {
            if (command.CommandType == CommandType.ProtocolMessage)
            {
                messages ??= new HashSet<string>(messageIds, StringComparer.Ordinal);
            }

            if (Check(run, command, timers, messages) is { } invalid)
            {
                return invalid;
            }
        }

        return null;
    }

    private static InvalidCommand? Check(WorkflowRun run, Command command, HashSet<string> timers, HashSet<string>? messageIds)
    {
        switch (command.CommandType)
        {
            case CommandType.ScheduleActivityTask:
                var activity = command.ScheduleActivityTaskCommandAttributes;
                return IsUnset(activity.StartToCloseTimeout) && IsUnset(activity.ScheduleToCloseTimeout)
                    ? new(WorkflowTaskFailedCause.BadScheduleActivityAttributes,
                        $"activity {activity.ActivityId}: a start-to-close or schedule-to-close timeout is required")
                    : null;
            case CommandType.StartTimer:
                return timers.Add(command.StartTimerCommandAttributes.TimerId) ? null
                    : new(WorkflowTaskFailedCause.BadStartTimerAttributes, $"timer {command.StartTimerCommandAttributes.TimerId} is already pending");
            case CommandType.CancelTimer:
                return timers.Remove(command.CancelTimerCommandAttributes.TimerId) ? null
                    : new(WorkflowTaskFailedCause.BadCancelTimerAttributes, $"timer {command.CancelTimerCommandAttributes.TimerId} is not pending");
            case CommandType.StartChildWorkflowExecution:
                var child = command.StartChildWorkflowExecutionCommandAttributes;
                return !string.IsNullOrEmpty(child.CronSchedule) ? Unsupported(WorkflowTaskFailedCause.BadStartChildExecutionAttributes, "a child workflow's cron schedule")
                    : child.RetryPolicy is not null ? Unsupported(WorkflowTaskFailedCause.BadStartChildExecutionAttributes, "a child workflow's retry policy")
                    : BadSearchAttributes(run, child.SearchAttributes);
            case CommandType.ContinueAsNewWorkflowExecution:
                var next = command.ContinueAsNewWorkflowExecutionCommandAttributes;
                return !string.IsNullOrEmpty(next.CronSchedule) ? Unsupported(WorkflowTaskFailedCause.BadContinueAsNewAttributes, "a cron schedule")
                    : next.RetryPolicy is not null ? Unsupported(WorkflowTaskFailedCause.BadContinueAsNewAttributes, "a workflow retry policy")
                    : BadSearchAttributes(run, next.SearchAttributes);
            case CommandType.UpsertWorkflowSearchAttributes:
                return BadSearchAttributes(run, command.UpsertWorkflowSearchAttributesCommandAttributes.SearchAttributes);
            case CommandType.RequestCancelActivityTask or CommandType.CompleteWorkflowExecution or CommandType.FailWorkflowExecution
                or CommandType.CancelWorkflowExecution or CommandType.SignalExternalWorkflowExecution
                or CommandType.RequestCancelExternalWorkflowExecution or CommandType.RecordMarker or CommandType.ModifyWorkflowProperties:
                return null;
            case CommandType.ProtocolMessage:
                return messageIds?.Contains(command.ProtocolMessageCommandAttributes.MessageId) == true ? null
                    : new(WorkflowTaskFailedCause.BadUpdateWorkflowExecutionMessage, $"protocol message {command.ProtocolMessageCommandAttributes.MessageId} is not in the task's messages");
            case CommandType.ScheduleNexusOperation or CommandType.RequestCancelNexusOperation:
                return Unsupported(WorkflowTaskFailedCause.BadScheduleNexusOperationAttributes, $"command {command.CommandType} (Nexus)");
            default:
                return Unsupported(WorkflowTaskFailedCause.UnhandledCommand, $"command {command.CommandType}");
        }
    }

    private static InvalidCommand Unsupported(WorkflowTaskFailedCause cause, string what) => new(cause, $"{what} is {RpcErrors.NotSupported}", Unsupported: true);

    private static InvalidCommand? BadSearchAttributes(WorkflowRun run, Temporalio.Api.Common.V1.SearchAttributes? attributes) =>
        run.Namespace.UnregisteredSearchAttribute(attributes) is { } key
            ? new(WorkflowTaskFailedCause.BadSearchAttributes, $"search attribute {key} is not registered in namespace {run.Namespace.Name}")
            : null;

    private static bool IsUnset(Google.Protobuf.WellKnownTypes.Duration? duration) => duration is null || duration.ToTimeSpan() <= TimeSpan.Zero;
}
