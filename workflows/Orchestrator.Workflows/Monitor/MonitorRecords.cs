using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Lifecycle;
using Orchestrator.Workflows.Policies;

namespace Orchestrator.Workflows.Monitor;

/// <summary>The production version the monitor watches and the run that deployed it (what a retrain starts from).</summary>
/// <param name="Version">The production version.</param>
/// <param name="RunId">The run that trained and deployed it.</param>
/// <param name="Dataset">That run's dataset source definition (a retrain acquires it again, so a blob prefix or folder yields the latest data).</param>
/// <param name="Annotation">That run's annotation source.</param>
/// <param name="Policy">The policy version the run pinned (a retrain is governed by the same version).</param>
/// <param name="PolicyDigest">Its digest: the measurement records the thresholds of this document.</param>
/// <param name="Drift">The drift terms of that policy.</param>
/// <param name="GracePeriod">How long a version this one supersedes stays available before it is retired.</param>
/// <param name="CheckpointDigest">The version's training checkpoint: a retrain's transfer-learning base.</param>
/// <param name="Requester">Who requested the deploying run (recorded as the cause, never as the retrain's requester).</param>
/// <param name="Queues">Where the deploying run's stages ran; a retrain uses the same queues (null: the standard ones).</param>
public sealed record MonitoredVersion(
    int Version, string RunId, DatasetSource Dataset, AnnotationSource Annotation, PolicyRef Policy, string PolicyDigest,
    DriftTerms Drift, TimeSpan GracePeriod, string? CheckpointDigest, string Requester, StageQueues? Queues = null);

/// <summary>The <c>ProductionChanged</c> signal: <paramref name="Production"/> was promoted, superseding <paramref name="Previous"/> (null: first version).</summary>
public sealed record ProductionChange(MonitoredVersion Production, int? Previous);

/// <summary>A superseded version waiting out its grace period.</summary>
public sealed record PendingDecommission(int Version, DateTimeOffset Due, string Reason, string PolicyDigest);

/// <summary>A retrain run the monitor requested that has not ended yet.</summary>
public sealed record RetrainInFlight(string RunId, int Detection, DateTimeOffset RequestedAt);

/// <summary>What a monitor carries over continue-as-new (and reports in its status).</summary>
/// <param name="Checks">Checks done since monitoring began (numbers the measurement's idempotency keys).</param>
/// <param name="Detections">Retrains requested since monitoring began (numbers the retrain run ids).</param>
/// <param name="WindowStart">Where the next check's window begins: the last check that judged (or the version's start), so it is also since when the version has gone unjudged.</param>
/// <param name="LastCheck">When the last check ran.</param>
/// <param name="LastReport">What it measured.</param>
/// <param name="LastDecision">What the drift decision said, and why.</param>
/// <param name="Retrain">The retrain in flight, if any.</param>
/// <param name="LastRetrainAt">When the last retrain was requested (the cool-down runs from here).</param>
/// <param name="Pending">Superseded versions waiting to be retired, earliest first.</param>
/// <param name="ServingStopped">Why checks are paused (an emergency stop); null while serving.</param>
/// <param name="FeedbackWindowStart">Where the next check's labelled-feedback window begins (null: <paramref name="WindowStart"/>); it stays open until MinFeedback labels were seen.</param>
/// <param name="LastOutcomes">The last check's outcome per check ("min-samples", each statistic): passed, failed, not-measured.</param>
public sealed record MonitorState(
    int Checks, int Detections, DateTimeOffset? WindowStart, DateTimeOffset? LastCheck, HealthReport? LastReport, string? LastDecision,
    RetrainInFlight? Retrain, DateTimeOffset? LastRetrainAt, IReadOnlyList<PendingDecommission> Pending, string? ServingStopped,
    DateTimeOffset? FeedbackWindowStart = null, IReadOnlyList<GateCheck>? LastOutcomes = null)
{
    /// <summary>A monitor that has not checked anything yet.</summary>
    public static MonitorState Empty { get; } = new(0, 0, null, null, null, null, null, null, [], null);
}

/// <summary>The monitor's <c>Status()</c> query.</summary>
/// <param name="Model">The model.</param>
/// <param name="Production">The version being watched.</param>
/// <param name="NextCheck">When the next check is due (null while paused).</param>
/// <param name="State">Last check, last report and decision, retrain in flight, pending decommissions, pause reason.</param>
public sealed record MonitorStatus(string Model, int Production, DateTimeOffset? NextCheck, MonitorState State);
