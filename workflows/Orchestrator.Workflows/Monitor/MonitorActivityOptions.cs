using Orchestrator.Workflows.Lifecycle;
using Temporalio.Common;
using Temporalio.Workflows;

namespace Orchestrator.Workflows.Monitor;

/// <summary>
/// Every monitor activity's options in one place. The monitor runs for the model's whole life, so a failing
/// activity must not end it: retries are bounded, and the workflow records the failure in its status and
/// tries again at the next check (the measurement and the retrain request are idempotent per check and
/// per detection, so a later attempt never records twice).
/// </summary>
public static class MonitorActivityOptions
{
    private static readonly RetryPolicy Retry = new()
    {
        InitialInterval = TimeSpan.FromSeconds(1),
        BackoffCoefficient = 2,
        MaximumInterval = TimeSpan.FromMinutes(1),
        MaximumAttempts = 5,
        NonRetryableErrorTypes = StageActivityOptions.NonRetryableErrors,
    };

    /// <summary>MeasureModelHealth: reads a window of logged predictions and the training reference.</summary>
    public static ActivityOptions Measure(StageQueues queues) => Options(queues, TimeSpan.FromMinutes(10));

    /// <summary>RequestRetrain and RetrainRunState: a ledger append and a Temporal start or describe.</summary>
    public static ActivityOptions Retrain(StageQueues queues) => Options(queues, TimeSpan.FromMinutes(1));

    /// <summary>DecommissionModelVersion: alias removal, serving stop, artifact deletion per retention.</summary>
    public static ActivityOptions Decommission(StageQueues queues) => Options(queues, TimeSpan.FromMinutes(5));

    private static ActivityOptions Options(StageQueues queues, TimeSpan startToClose) => new()
    {
        TaskQueue = queues.Default,
        StartToCloseTimeout = startToClose,
        RetryPolicy = Retry,
    };
}
