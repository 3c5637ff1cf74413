using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Decommission;
using Orchestrator.Workflows.Evaluate;
using Orchestrator.Workflows.Monitor;
using Orchestrator.Workflows.QualityControl;

namespace Orchestrator.Workflows.Policies;

/// <summary>
/// A governance policy document exactly as it is written (Policies/Catalog/*.json, a deployment's policy directory):
/// the one type the published JSON Schema (<see cref="PolicySchema"/>) is generated from and the validator
/// (PolicyValidator) reads with, so a key a section's record gains is valid in both at once.
/// A non-nullable section is required by the schema; a nullable one must be present or waived as a whole in
/// <see cref="Waivers"/> (<c>{ "check": "evaluation", "reason": "..." }</c>).
/// </summary>
/// <param name="Name">The policy's name (what a run names).</param>
/// <param name="Version">The document's version (1 or more); a changed document is a new version.</param>
/// <param name="MaxAnnotationRounds">How often a failed QC gate may loop back to re-annotation (0: fail at once).</param>
/// <param name="Approval">Who approves, how many, and by when.</param>
/// <param name="Canary">How a new version is rolled out and judged.</param>
/// <param name="Training">The training recipe.</param>
/// <param name="Quality">The QC gate's thresholds.</param>
/// <param name="Evaluation">The evaluation gate's thresholds.</param>
/// <param name="Drift">How the monitor judges the production version.</param>
/// <param name="Retention">What happens to a retired version's artifacts.</param>
/// <param name="Description">What the policy is for (shown in the policy list).</param>
/// <param name="Waivers">Checks or whole sections the policy does not require, each with its reason.</param>
public sealed record GovernanceDocument(
    string Name,
    int Version,
    int MaxAnnotationRounds,
    ApprovalPolicy Approval,
    CanaryPolicy Canary,
    TrainingSpec Training,
    QcPolicy? Quality = null,
    EvaluationPolicy? Evaluation = null,
    DriftTerms? Drift = null,
    RetentionPolicy? Retention = null,
    string? Description = null,
    IReadOnlyList<PolicyWaiver>? Waivers = null);
