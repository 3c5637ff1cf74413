namespace Orchestrator.Api.Runs;

/// <summary>
/// Run ids as the API sees them. A run's workflow id is <see cref="Workflows.Lifecycle.ModelLifecycleWorkflow.WorkflowId"/>
/// and its ledger stream <c>AuditStreams.Run</c> (<c>run-{runId}</c>), both defined once beside what they name.
/// </summary>
public static class RunWorkflows
{
    /// <summary>True for a run id the API could have issued (lowercase hex or name characters); others are simply not found.</summary>
    public static bool IsRunId(string? runId) => RequestRules.IsName(runId);
}
