using Orchestrator.Workflows.Policies;
using Orchestrator.Audit.Events;
using Orchestrator.Workflows.Decommission;
using Orchestrator.Workflows.Deploy;

namespace Orchestrator.Operations.Models;

/// <summary>A decision asked of <see cref="ModelDecider"/>; <typeparamref name="TOutcome"/> is what the caller is told.</summary>
public interface IModelCommand<TOutcome>;

/// <summary>Nothing to tell the caller beyond the recorded entries.</summary>
public readonly record struct Recorded;

/// <summary>A run's exported ONNX model becomes the model's next version (or the version it already claimed).</summary>
public sealed record ClaimVersion(string RunId, string DatasetDigest, string OnnxDigest, string OnnxUri, double ParityMaxAbsError) : IModelCommand<int>;

/// <summary>The registration's summary evaluation of a version, unless its evaluation is already recorded.</summary>
public sealed record RecordRegistration(int Version, IReadOnlyDictionary<string, double> Metrics, bool Passed, string PolicyVersion) : IModelCommand<Recorded>;

/// <summary>Halt serving at once (the emergency stop); <paramref name="Key"/> makes a retried request a no-op.</summary>
public sealed record StopServing(string Reason, string Key) : IModelCommand<Recorded>;

/// <summary>Resume serving; <paramref name="ApprovedBy"/> is the verified approver whose request it is.</summary>
public sealed record ResumeServing(string Reason, string ApprovedBy, string Key) : IModelCommand<Recorded>;

/// <summary>Point production at an approved, live version by hand.</summary>
public sealed record PromoteVersion(int Version, string Reason, string Key) : IModelCommand<Recorded>;

/// <summary>Drop the canary, or return production to the version it served before.</summary>
public sealed record RollBack(string Reason, string Key) : IModelCommand<Recorded>;

/// <summary>Retire a version for good under a retention policy.</summary>
public sealed record DecommissionVersion(int Version, string Reason, RetentionPolicy Retention) : IModelCommand<IDecommissionActivities.Output>;

/// <summary>
/// Where run <paramref name="RunId"/>'s deployment of <paramref name="Version"/> stands: the outcome an earlier
/// attempt recorded, or null to go on (refused when the run did not register that version).
/// </summary>
public sealed record CheckDeployment(string RunId, int Version, string OnnxDigest) : IModelCommand<DeploymentOutcome?>;

/// <summary>Record the version's approval from the confirmed ApprovalSigned entries of its run (once per run and version).</summary>
public sealed record ApproveVersion(string RunId, int Version, IReadOnlyList<string> Approvers, string EvidenceDigest, IReadOnlyList<LedgerReference> Approvals)
    : IModelCommand<Recorded>;

/// <summary>Deploy the version as the production alias's canary with <paramref name="Share"/> of the traffic (once per run and version).</summary>
public sealed record StartCanary(string RunId, int Version, double Share) : IModelCommand<Recorded>;

/// <summary>
/// Promote or roll back the canary on its <paramref name="Verdict"/>. <paramref name="CanaryEntry"/> is the stream
/// version of its ModelDeployed entry, <paramref name="ProductionBefore"/> the production version it was measured
/// against, and <paramref name="WindowEnd"/> when its observation window (with any extension) closes: a healthy canary is never
/// promoted before then, and one whose traffic was too short to judge is rolled back or held as <paramref name="OnInsufficientEvidence"/> says,
/// unless it is a first deployment that every approver accepted deploying without a canary comparison (<paramref name="NoCanaryComparison"/>,
/// confirmed in the ledger by the caller; ADR 0044).
/// </summary>
public sealed record JudgeCanary(string RunId, int Version, long CanaryEntry, int? ProductionBefore, CanaryVerdict Verdict, DateTimeOffset WindowEnd,
    InsufficientEvidenceAction OnInsufficientEvidence = InsufficientEvidenceAction.Rollback, CanaryObservation? Observed = null, int MinRequests = 0,
    NoCanaryComparisonAcceptance? NoCanaryComparison = null)
    : IModelCommand<DeploymentOutcome>;

/// <summary>
/// Decide run <paramref name="RunId"/>'s held canary of <paramref name="Version"/>: promote or roll back as <paramref name="DecidedBy"/>
/// signed at <paramref name="Signature"/>, or roll back because nobody decided by the deadline (both null). The counts are those it was held with.
/// </summary>
public sealed record ResolveHeldCanary(
    string RunId, int Version, CanaryDecisionKind Decision, string Reason, string? DecidedBy, LedgerReference? Signature, int CanaryRequests, int ProductionRequests)
    : IModelCommand<DeploymentOutcome>;
