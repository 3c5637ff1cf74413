using Orchestrator.Audit.Events;

namespace Orchestrator.Api.Runs;

/// <summary>How a run id maps to its Temporal workflow and its ledger stream.</summary>
public static class RunWorkflows
{
    /// <summary>The pipeline every run of this service follows.</summary>
    public const string Pipeline = "image-classification";

    /// <summary>The lifecycle workflow's id for a run: derived, so a retried start finds the same workflow.</summary>
    public static string WorkflowId(string runId) => $"model-lifecycle-{runId}";

    /// <summary>The run's ledger stream.</summary>
    public static string Stream(string runId) => AuditStreams.Run(runId);

    /// <summary>True for a run id the API could have issued (lowercase hex or name characters); others are simply not found.</summary>
    public static bool IsRunId(string? runId) => RequestRules.IsName(runId);
}
