using Temporalio.Activities;

namespace Orchestrator.Workflows.Monitor;

/// <summary>The monitor's retrain activities: request a governed retrain, and ask whether it is still running.</summary>
public interface IRetrainActivities
{
    /// <summary>The activity type names (recorded in every history: never change them).</summary>
    public const string RequestName = "RequestRetrain";

    /// <inheritdoc cref="RequestName"/>
    public const string RunStateName = "RetrainRunState";

    /// <summary>
    /// Record RetrainRequested on the model's stream and start a governed run from <paramref name="Production"/>'s
    /// sources, requested by the service identity "monitor". The run id derives from
    /// <paramref name="MonitorWorkflowId"/>, the version and <paramref name="Detection"/>, so retries start one run.
    /// </summary>
    public sealed record RequestInput(string Model, MonitoredVersion Production, int Detection, string Reason, string MonitorWorkflowId);

    /// <summary>The retrain run: its id and lifecycle workflow id; Started is false when a retry found it started.</summary>
    public sealed record RequestOutput(string RunId, string WorkflowId, bool Started);

    /// <summary>Whether the lifecycle run <paramref name="RunId"/> is still open.</summary>
    public sealed record RunStateInput(string RunId);

    /// <summary>Requests the retrain (once per monitor, version and detection).</summary>
    [Activity(RequestName)]
    Task<RequestOutput> RequestRetrainAsync(RequestInput input);

    /// <summary>True while the retrain run is open; false once it ended (or Temporal no longer knows it).</summary>
    [Activity(RunStateName)]
    Task<bool> RetrainRunStateAsync(RunStateInput input);
}

/// <summary>The lifecycle's hand-over to the model's monitor after a promotion.</summary>
public interface IHandOverActivities
{
    /// <summary>The activity type name (recorded in every history: never change it).</summary>
    public const string Name = "HandOverToMonitor";

    /// <summary>Signal-with-start the model's monitor with ProductionChanged (sent by a lifecycle run after a promotion).</summary>
    public sealed record Input(string Model, ProductionChange Change);

    /// <summary>Delivers the change to the model's one monitor, starting it when it is not running.</summary>
    [Activity(Name)]
    Task HandOverToMonitorAsync(Input input);
}
