using Orchestrator.Workflows.Approve;

namespace Orchestrator.Workflows.Policies;

/// <summary>Names a policy document: a name and a version, or the latest version when null.</summary>
public sealed record PolicyRef(string Name, int? Version = null);

/// <summary>
/// The parts of a versioned governance policy that the workflow itself decides with. Stage
/// activities read their own sections (QC and evaluation thresholds) from the pinned document by
/// <see cref="PinnedPolicy.Digest"/>, so a run never sees a policy change halfway.
/// </summary>
/// <param name="Approval">Approver roles, quorum and deadline.</param>
/// <param name="Canary">Canary share and observation window for deployment.</param>
/// <param name="MaxAnnotationRounds">How often a failed QC gate may loop back to re-annotation (0: fail at once).</param>
/// <param name="Training">Training hyperparameters for the run.</param>
public sealed record GovernanceTerms(ApprovalPolicy Approval, CanaryPolicy Canary, int MaxAnnotationRounds, TrainingSpec Training);

/// <summary>How a new version is rolled out, and what counts as a healthy canary.</summary>
/// <param name="TrafficShare">Share of traffic (0-1) the canary receives.</param>
/// <param name="Window">How long canary health is watched before promotion.</param>
/// <param name="MaxErrorRate">Highest tolerated share of failed canary predictions.</param>
/// <param name="MaxLatencyRatio">Highest tolerated canary p95 latency as a multiple of production's.</param>
/// <param name="MaxDistributionShift">Highest tolerated PSI of the canary's predicted-class distribution against production's.</param>
/// <param name="MinRequests">Canary predictions needed before the shares above are judged (fewer: judged on errors only).</param>
public sealed record CanaryPolicy(
    double TrafficShare, TimeSpan Window, double MaxErrorRate = 0.05, double MaxLatencyRatio = 3.0, double MaxDistributionShift = 0.25, int MinRequests = 20);

/// <summary>Training hyperparameters pinned by the policy (the trainer fills in the rest from defaults).</summary>
public sealed record TrainingSpec(string Architecture, int Epochs, int BatchSize, double LearningRate, int Seed);

/// <summary>A policy version as loaded at the start of a run and pinned for it.</summary>
/// <param name="Name">Policy name.</param>
/// <param name="Version">Policy version.</param>
/// <param name="Digest">"sha256:..." of the policy document's canonical bytes; goes into the audit trail.</param>
/// <param name="Terms">What the workflow decides with.</param>
public sealed record PinnedPolicy(string Name, int Version, string Digest, GovernanceTerms Terms);
