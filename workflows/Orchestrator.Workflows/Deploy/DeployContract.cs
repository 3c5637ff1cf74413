using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Evaluate;
using Orchestrator.Workflows.Policies;
using Orchestrator.Workflows.Train;

namespace Orchestrator.Workflows.Deploy;

/// <summary>A registered model version.</summary>
public sealed record ModelVersion(string ModelName, int Version, string OnnxDigest);

/// <summary>What happened to a canary.</summary>
/// <param name="Promoted">True when the version became production; false when it was rolled back.</param>
/// <param name="Reason">Why (health figures or the rollback cause).</param>
/// <param name="Superseded">The production version it replaced, if any.</param>
public sealed record DeploymentOutcome(bool Promoted, string Reason, int? Superseded);

/// <summary>The registry and deployment activities.</summary>
public static class DeployActivities
{
    public const string RegisterName = "RegisterModelVersion";
    public const string DeployName = "DeployCanary";

    /// <summary>Register a candidate version with its lineage (run, dataset, metrics); it serves nothing until deployed.</summary>
    public sealed record RegisterInput(string RunId, string ModelName, DatasetVersion Dataset, OnnxModel Model, Evaluation Evaluation);

    /// <summary>Set the version as canary, watch it for the policy's window, then promote or roll back.</summary>
    public sealed record DeployInput(string RunId, ModelVersion Version, CanaryPolicy Canary, IReadOnlyList<LedgerEntryRef> Approvals);
}
