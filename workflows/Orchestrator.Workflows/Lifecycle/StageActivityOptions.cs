using Temporalio.Common;
using Temporalio.Workflows;

namespace Orchestrator.Workflows.Lifecycle;

/// <summary>
/// Every stage's activity options in one place: task queue, timeouts, heartbeat timeout and retry policy.
/// Long stages heartbeat, so a dead worker is noticed within the heartbeat timeout and the retry resumes
/// from the last checkpoint instead of waiting out the whole start-to-close timeout.
/// </summary>
public static class StageActivityOptions
{
    /// <summary>Errors that retrying cannot fix; activities throw ApplicationFailureException with these types.</summary>
    public static readonly string[] NonRetryableErrors = ["InvalidInput", "IntegrityViolation", "PolicyViolation", "NotFound"];

    private static readonly RetryPolicy LedgerRetry = new()
    {
        InitialInterval = TimeSpan.FromSeconds(1),
        BackoffCoefficient = 2,
        MaximumInterval = TimeSpan.FromSeconds(30),
        MaximumAttempts = 10,
        NonRetryableErrorTypes = NonRetryableErrors,
    };

    private static readonly RetryPolicy Work = LedgerRetry with { MaximumInterval = TimeSpan.FromMinutes(2), MaximumAttempts = 5 };

    /// <summary>The Train stage's heartbeat timeout unless the policy's <see cref="Policies.TrainingSpec.HeartbeatTimeout"/> sets one.</summary>
    public static readonly TimeSpan TrainHeartbeatTimeout = TimeSpan.FromMinutes(2);

    /// <summary>What <see cref="For"/> calls the workflow's own bookkeeping (policy, ledger facts, hand-over): not a stage a run reports.</summary>
    public const string Bookkeeping = "ledger";

    /// <summary>
    /// The options for <paramref name="stage"/> (a <see cref="Stages"/> name, or <see cref="Bookkeeping"/>) on <paramref name="queue"/>
    /// (<see cref="ActivityRouting.Queue"/> of the activity's contract). <paramref name="trainHeartbeat"/> replaces the Train
    /// stage's heartbeat timeout (from the pinned policy).
    /// </summary>
    public static ActivityOptions For(string stage, string queue, TimeSpan? canaryWindow = null, TimeSpan? trainHeartbeat = null) => stage switch
    {
        Stages.Acquire or Stages.Annotate or Stages.QualityControl => Long(queue, TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(1)),
        Stages.Train => Long(queue, TimeSpan.FromHours(6), trainHeartbeat ?? TrainHeartbeatTimeout),
        Stages.Export => Long(queue, TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(2)),
        Stages.Evaluate => Long(queue, TimeSpan.FromHours(1), TimeSpan.FromMinutes(2)),
        Stages.Deploy => Long(queue, (canaryWindow ?? TimeSpan.Zero) + TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(1)),
        _ => new ActivityOptions
        {
            TaskQueue = queue,
            StartToCloseTimeout = TimeSpan.FromSeconds(30),
            RetryPolicy = LedgerRetry,
        },
    };

    private static ActivityOptions Long(string queue, TimeSpan startToClose, TimeSpan heartbeat) => new()
    {
        TaskQueue = queue,
        StartToCloseTimeout = startToClose,
        HeartbeatTimeout = heartbeat,
        RetryPolicy = Work,
    };
}
