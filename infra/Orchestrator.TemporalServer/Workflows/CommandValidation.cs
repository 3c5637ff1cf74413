using Temporalio.Api.Command.V1;
using Temporalio.Api.Enums.V1;

namespace Orchestrator.TemporalServer.Workflows;

/// <summary>
/// Checks a workflow task's commands before any of them is applied, so a bad or unsupported command fails
/// the task as a whole (as Temporal does, with a cause the SDK reports) instead of half-applying it.
/// </summary>
internal static class CommandValidation
{
    public static (WorkflowTaskFailedCause Cause, string Message)? Validate(WorkflowRun run, IEnumerable<Command> commands)
    {
        var timers = new HashSet<string>(run.Timers.Keys, StringComparer.Ordinal);
        foreach (var command in commands)
        {
            switch (command.CommandType)
            {
                case CommandType.ScheduleActivityTask:
                    var activity = command.ScheduleActivityTaskCommandAttributes;
                    if (IsUnset(activity.StartToCloseTimeout) && IsUnset(activity.ScheduleToCloseTimeout))
                    {
                        return (WorkflowTaskFailedCause.BadScheduleActivityAttributes,
                            $"activity {activity.ActivityId}: a start-to-close or schedule-to-close timeout is required");
                    }

                    break;
                case CommandType.StartTimer:
                    if (!timers.Add(command.StartTimerCommandAttributes.TimerId))
                    {
                        return (WorkflowTaskFailedCause.BadStartTimerAttributes, $"timer {command.StartTimerCommandAttributes.TimerId} is already pending");
                    }

                    break;
                case CommandType.CancelTimer:
                    if (!timers.Remove(command.CancelTimerCommandAttributes.TimerId))
                    {
                        return (WorkflowTaskFailedCause.BadCancelTimerAttributes, $"timer {command.CancelTimerCommandAttributes.TimerId} is not pending");
                    }

                    break;
                case CommandType.StartChildWorkflowExecution when !string.IsNullOrEmpty(command.StartChildWorkflowExecutionCommandAttributes.CronSchedule):
                    return (WorkflowTaskFailedCause.BadStartChildExecutionAttributes, "cron schedules are not supported by the embedded server");
                case CommandType.RequestCancelActivityTask or CommandType.CompleteWorkflowExecution or CommandType.FailWorkflowExecution
                    or CommandType.CancelWorkflowExecution or CommandType.ContinueAsNewWorkflowExecution or CommandType.StartChildWorkflowExecution
                    or CommandType.SignalExternalWorkflowExecution or CommandType.RequestCancelExternalWorkflowExecution
                    or CommandType.RecordMarker or CommandType.UpsertWorkflowSearchAttributes or CommandType.ModifyWorkflowProperties:
                    break;
                default:
                    return (WorkflowTaskFailedCause.UnhandledCommand,
                        $"command {command.CommandType} is not supported by the embedded Temporal-protocol server (docs/temporal-server.md)");
            }
        }

        return null;
    }

    private static bool IsUnset(Google.Protobuf.WellKnownTypes.Duration? duration) => duration is null || duration.ToTimeSpan() <= TimeSpan.Zero;
}
