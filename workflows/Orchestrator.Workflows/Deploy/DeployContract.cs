using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Evaluate;
using Orchestrator.Workflows.Policies;
using Orchestrator.Workflows.Train;
using Temporalio.Activities;

namespace Orchestrator.Workflows.Deploy;

/// <summary>A registered model version.</summary>
public sealed record ModelVersion(string ModelName, int Version, string OnnxDigest);

/// <summary>What happened to a canary.</summary>
/// <param name="Promoted">True when the version became production; false when it was rolled back.</param>
/// <param name="Reason">Why (health figures or the rollback cause).</param>
/// <param name="Superseded">The production version it replaced, if any.</param>
/// <param name="CanaryRequests">Canary predictions the judgement rested on (null: outcomes recorded before the counts were).</param>
/// <param name="ProductionRequests">Production predictions in the same window (0 on a first deployment; null: not recorded).</param>
/// <param name="Held">True when too little traffic was seen and the policy holds the canary for a person's decision (neither promoted nor rolled back).</param>
public sealed record DeploymentOutcome(bool Promoted, string Reason, int? Superseded, int? CanaryRequests = null, int? ProductionRequests = null, bool Held = false);

/// <summary>The registry activity.</summary>
public interface IRegistryActivities
{
    /// <summary>The activity type name (recorded in every history: never change it).</summary>
    public const string Name = "RegisterModelVersion";

    /// <summary>Register a candidate version with its lineage (run, dataset, metrics); it serves nothing until deployed.</summary>
    public sealed record Input(string RunId, string ModelName, DatasetVersion Dataset, OnnxModel Model, Evaluation Evaluation);

    /// <summary>The version the run's export claimed (or claims now), with its registration recorded once.</summary>
    [Activity(Name)]
    Task<ModelVersion> RegisterAsync(Input input);
}

/// <summary>The deployment activity.</summary>
public interface IDeployActivities
{
    /// <summary>The activity type name (recorded in every history: never change it).</summary>
    public const string Name = "DeployCanary";

    /// <summary>Set the version as canary, watch it for the policy's window, then promote or roll back.</summary>
    /// <remarks><paramref name="Waivers"/>: the pinned policy's waivers (null in runs started before they were carried: every check is required).
    /// <paramref name="NoCanaryComparison"/>: every approver's acceptance of deploying a first version without a canary comparison (ADR 0044;
    /// null: not every approver accepted, or a run from before it existed); the activity confirms its entries in the ledger.</remarks>
    public sealed record Input(
        string RunId, ModelVersion Version, CanaryPolicy Canary, IReadOnlyList<LedgerEntryRef> Approvals, IReadOnlyList<PolicyWaiver>? Waivers = null,
        NoCanaryComparisonAcceptance? NoCanaryComparison = null);

    /// <summary>Records the approval, deploys the canary, watches it (heartbeating the figures) and promotes or rolls it back.</summary>
    [Activity(Name)]
    Task<DeploymentOutcome> DeployAsync(Input input);
}
