namespace Orchestrator.Workflows.Monitor;

/// <summary>The monitor's own activities besides the measurement: retrain, retrain status and the lifecycle's hand-over.</summary>
public static class RetrainActivities
{
    public const string RequestName = "RequestRetrain";
    public const string RunStateName = "RetrainRunState";
    public const string HandOverName = "HandOverToMonitor";

    /// <summary>The monitor's workflow id for a model: one monitor per model.</summary>
    public static string MonitorWorkflowId(string model) => $"model-monitor-{model}";

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

    /// <summary>Signal-with-start the model's monitor with ProductionChanged (sent by a lifecycle run after a promotion).</summary>
    public sealed record HandOverInput(string Model, ProductionChange Change);
}
