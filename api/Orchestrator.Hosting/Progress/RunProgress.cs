using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;
using Orchestrator.Workflows.Train;

namespace Orchestrator.Hosting.Progress;

/// <summary>What a run's running activity last reported.</summary>
/// <param name="Activity">The activity type, e.g. "Train".</param>
/// <param name="State">Scheduled, started or cancel-requested.</param>
/// <param name="Attempt">The attempt (1 on the first try; above 1 after a retry, e.g. a worker lost).</param>
/// <param name="LastHeartbeat">When the activity last heartbeated, if it has.</param>
/// <param name="Training">Training's last heartbeat (epoch, batch, loss, checkpoint) when the activity is Train.</param>
/// <param name="LastFailure">Why the previous attempt failed, when this is a retry.</param>
public sealed record ActivityProgress(string Activity, string State, int Attempt, DateTimeOffset? LastHeartbeat, TrainingHeartbeat? Training, string? LastFailure);

/// <summary>
/// The progress of a run's running stage, read from Temporal's record of its pending activities
/// (DescribeWorkflowExecution) rather than from the workflow: heartbeats go to the server, not to the
/// workflow, and feeding them back as signals would grow the history with every batch. See docs/workflow.md.
/// </summary>
public static class RunProgress
{
    /// <summary>The pending activities of the run behind <paramref name="handle"/>, with decoded training progress.</summary>
    public static async Task<IReadOnlyList<ActivityProgress>> PendingAsync(this WorkflowHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var description = await handle.Client.WorkflowService.DescribeWorkflowExecutionAsync(
            new DescribeWorkflowExecutionRequest
            {
                Namespace = handle.Client.Options.Namespace,
                Execution = new Temporalio.Api.Common.V1.WorkflowExecution { WorkflowId = handle.Id, RunId = handle.RunId ?? "" },
            },
            new RpcOptions { CancellationToken = cancellationToken }).ConfigureAwait(false);
        // The service configures no payload codec, so the payload converter reads heartbeat details as they are.
        var converter = handle.Client.Options.DataConverter.PayloadConverter;
        var result = new List<ActivityProgress>();
        foreach (var pending in description.PendingActivities)
        {
            TrainingHeartbeat? training = null;
            if (pending.ActivityType.Name == ITrainActivities.Name && pending.HeartbeatDetails is { Payloads_.Count: > 0 } details)
            {
                training = (TrainingHeartbeat?)converter.ToValue(details.Payloads_[0], typeof(TrainingHeartbeat));
            }

            result.Add(new ActivityProgress(
                pending.ActivityType.Name,
                State(pending.State),
                pending.Attempt,
                pending.LastHeartbeatTime?.ToDateTimeOffset(),
                training,
                pending.LastFailure?.Message is { Length: > 0 } failure ? failure : null));
        }

        return result;
    }

    private static string State(PendingActivityState state) => state switch
    {
        PendingActivityState.Scheduled => "scheduled",
        PendingActivityState.Started => "started",
        PendingActivityState.CancelRequested => "cancel-requested",
        PendingActivityState.Paused => "paused",
        _ => "unknown",
    };
}
