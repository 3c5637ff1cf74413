using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Decommission;
using Orchestrator.Workflows.Monitor;

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
/// <param name="Drift">The "drift" section: how the monitor judges the production version (null: policies or histories from before monitoring; the monitor then uses <see cref="DriftTermsDefaults.Value"/>).</param>
/// <param name="Retention">The "retention" section: the grace period before a superseded version is retired (null: older policies or histories; defaults apply).</param>
/// <param name="Waivers">The checks the policy does not require, each with its reason (null or empty: every check is required).</param>
/// <param name="Quality">The "quality" section: the workflow reads whether the gold audit must be human and its deadline (null: waived, or
/// histories from before ADR 0039, whose runs never wait for a human audit).</param>
public sealed record GovernanceTerms(
    ApprovalPolicy Approval, CanaryPolicy Canary, int MaxAnnotationRounds, TrainingSpec Training, DriftTerms? Drift = null, RetentionPolicy? Retention = null,
    IReadOnlyList<PolicyWaiver>? Waivers = null, QualityControl.QcPolicy? Quality = null);

/// <summary>How a new version is rolled out, and what counts as a healthy canary.</summary>
/// <param name="TrafficShare">Share of traffic (0-1) the canary receives.</param>
/// <param name="Window">How long canary health is watched before promotion.</param>
/// <param name="MaxErrorRate">Highest tolerated share of failed canary predictions.</param>
/// <param name="MaxLatencyRatio">Highest tolerated canary p95 latency as a multiple of production's.</param>
/// <param name="MaxDistributionShift">Highest tolerated PSI of the canary's predicted-class distribution against production's.</param>
/// <param name="MinRequests">Canary predictions needed before the shares above are judged (fewer: judged on errors only).</param>
/// <param name="ShiftSignificance">A PSI above <paramref name="MaxDistributionShift"/> counts only when a chi-square test of the two sides' class counts puts the chance of it being sampling noise below this level.</param>
/// <param name="MinLatencyIncreaseMs">A p95 above <paramref name="MaxLatencyRatio"/> times production's counts only when it is also this many milliseconds slower: a sub-millisecond production p95 times three is within a shared host's scheduling noise.</param>
/// <param name="OnInsufficientEvidence">What happens when the window (and any extension) ends with fewer than <paramref name="MinRequests"/> on the canary or on production: roll back (default) or hold the canary at its share for a person to decide.</param>
/// <param name="MaxExtension">How long the window may be extended while traffic is short (null or zero: not extended).</param>
public sealed record CanaryPolicy(
    double TrafficShare, TimeSpan Window, double MaxErrorRate = 0.05, double MaxLatencyRatio = 3.0, double MaxDistributionShift = 0.25, int MinRequests = 20,
    double ShiftSignificance = 0.01, double MinLatencyIncreaseMs = 10,
    InsufficientEvidenceAction OnInsufficientEvidence = InsufficientEvidenceAction.Rollback, TimeSpan? MaxExtension = null);

/// <summary>The policy's "onInsufficientEvidence": what a canary that could not be judged comes to ("rollback" or "hold").</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(InsufficientEvidenceActionJsonConverter))]
public enum InsufficientEvidenceAction
{
    /// <summary>Roll the canary back: production stays as it was.</summary>
    Rollback,

    /// <summary>Leave the canary serving at its share, neither promoted nor rolled back, recorded as held for a person to promote or roll back by hand.</summary>
    Hold,
}

/// <summary>Reads and writes "rollback" and "hold".</summary>
public sealed class InsufficientEvidenceActionJsonConverter()
    : System.Text.Json.Serialization.JsonStringEnumConverter<InsufficientEvidenceAction>(System.Text.Json.JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false);

/// <summary>
/// The policy's "training" section: the network and the whole fine-tuning recipe. Every field after
/// <paramref name="HeartbeatTimeout"/> is optional; absent, the trainer's defaults apply (AdamW, weight decay 1e-4, cosine
/// schedule, gradient clipping at norm 5, flip + 4 px crop + 0.2 colour jitter, no early stopping, no imbalance handling), so older
/// policies and recorded histories mean what they always meant.
/// </summary>
/// <param name="Architecture">The network by catalogue name ("resnet-tiny", "resnet18", "mobilenet_v3_small", ...).</param>
/// <param name="Epochs">Most epochs to train (early stopping may end sooner).</param>
/// <param name="BatchSize">Images per batch.</param>
/// <param name="LearningRate">The head's (base) learning rate.</param>
/// <param name="Seed">Seeds initialisation, shuffling, augmentation and a replaced head.</param>
/// <param name="HeartbeatTimeout">How long training may go without a heartbeat before its worker counts as lost (null: 2 minutes).</param>
/// <param name="FineTuning">Freezing and differential learning rates for a base model.</param>
/// <param name="Optimizer">"adamw" or "sgd" (SGD with Nesterov momentum), weight decay, momentum.</param>
/// <param name="Schedule">The learning-rate schedule and its warm-up.</param>
/// <param name="LabelSmoothing">Label smoothing ε of the cross-entropy, in [0, 1).</param>
/// <param name="GradientClipNorm">Largest L2 norm of the gradient; 0 disables clipping.</param>
/// <param name="EarlyStopping">Stop when validation loss stops improving.</param>
/// <param name="Imbalance">Class-imbalance handling.</param>
/// <param name="Augmentation">Training-time augmentation.</param>
public sealed record TrainingSpec(string Architecture, int Epochs, int BatchSize, double LearningRate, int Seed, TimeSpan? HeartbeatTimeout = null,
    FineTuningSpec? FineTuning = null, OptimizerSpec? Optimizer = null, ScheduleSpec? Schedule = null, double? LabelSmoothing = null, double? GradientClipNorm = null,
    EarlyStoppingSpec? EarlyStopping = null, ImbalanceSpec? Imbalance = null, AugmentationSpec? Augmentation = null);

/// <summary>A policy version as loaded at the start of a run and pinned for it.</summary>
/// <param name="Name">Policy name.</param>
/// <param name="Version">Policy version.</param>
/// <param name="Digest">"sha256:..." of the policy document's canonical bytes; goes into the audit trail.</param>
/// <param name="Terms">What the workflow decides with.</param>
public sealed record PinnedPolicy(string Name, int Version, string Digest, GovernanceTerms Terms);
