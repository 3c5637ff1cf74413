namespace Orchestrator.Audit.Events.Models;

// The events of a model's stream (AuditStreams.Model): its versions, their evidence, aliases and life
// in production. Shipped events are never renamed or reshaped (docs/audit-ledger.md, "Versioning").

/// <summary>A trained model was exported to ONNX as a new model version.</summary>
public sealed record ModelExported(int Version, string RunId, string DatasetDigest, string OnnxDigest, string OnnxUri, double ParityMaxAbsError);

/// <summary>A model version was evaluated; the verdict is the evaluation gate's under a policy version.</summary>
public sealed record ModelEvaluated(
    int Version,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> PerClass,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> PerSlice,
    IReadOnlyDictionary<string, double> Robustness,
    ChampionComparison? Champion,
    GateVerdict Verdict,
    string PolicyVersion);

/// <summary>How a challenger compared with the current champion on the deciding metric.</summary>
public sealed record ChampionComparison(int ChampionVersion, string Metric, double ChampionValue, double ChallengerValue);

/// <summary>A model version's approval was accepted; the references point at the ApprovalSigned entries in the run's stream.</summary>
public sealed record ModelVersionApproved(int Version, string RunId, IReadOnlyList<string> Approvers, string EvidenceDigest, IReadOnlyList<LedgerReference> Approvals);

/// <summary>A model version was deployed under an alias, taking a share of the traffic (1.0 for a full deployment).</summary>
public sealed record ModelDeployed(int Version, string Alias, double CanaryShare);

/// <summary>A canary version was promoted to take all the alias's traffic.</summary>
public sealed record ModelPromoted(int Version, string Alias);

/// <summary>An alias was rolled back from one version to another.</summary>
public sealed record ModelRolledBack(int FromVersion, int ToVersion, string Alias, string Reason);

/// <summary>A drift statistic was measured on production traffic (PValue: for a PSI, the chi-square p-value of its counts; absent in entries recorded before it was measured).</summary>
public sealed record DriftMeasured(int Version, string Statistic, double Value, double Threshold, int SampleCount, double? PValue = null);

/// <summary>A drift statistic crossed its threshold.</summary>
public sealed record DriftDetected(int Version, string Statistic, double Value, double Threshold);

/// <summary>A governed retrain was requested for a model version (NewRunId once the run exists).</summary>
public sealed record RetrainRequested(int Version, string Reason, string? NewRunId);

/// <summary>A model version was taken out of service for good.</summary>
public sealed record ModelDecommissioned(int Version, string Reason);

/// <summary>An approver or admin halted serving of the model at once (the human-oversight stop button); requests get 503 with the reason.</summary>
public sealed record ModelServingStopped(string Reason);

/// <summary>Serving of a stopped model resumed; the entry's actor is the approver whose recorded approval allows it.</summary>
public sealed record ModelServingResumed(string Reason, string ApprovedBy);

/// <summary>An approver pointed an alias at a version by hand (manual promotion), taking all the alias's traffic.</summary>
public sealed record ModelAliasChanged(string Alias, int? FromVersion, int Version, string Reason);

/// <summary>A decommissioned version's artifacts were kept or deleted under the retention policy (legal hold keeps them).</summary>
public sealed record ModelArtifactsRetained(int Version, bool Deleted, bool LegalHold, string Retention, IReadOnlyList<string> Digests);

/// <summary>
/// A canary's window (and any extension the policy allows) ended with too little traffic to judge it, and the policy
/// says "hold": it keeps serving at its share, neither promoted nor rolled back, until a person promotes or rolls it back.
/// </summary>
public sealed record CanaryHeld(int Version, string Reason, int CanaryRequests, int ProductionRequests, int MinRequests);

/// <summary>
/// A held canary was decided: "promote" or "rollback" by <paramref name="DecidedBy"/> (the verified approver whose
/// CanaryDecisionSigned entry is <paramref name="Signature"/>), or "rollback" by the service when the deadline passed
/// (both null). ModelPromoted or ModelRolledBack follows; the counts are those the canary was held with.
/// </summary>
public sealed record CanaryHoldResolved(
    int Version, string Decision, string? DecidedBy, string Reason, int CanaryRequests, int ProductionRequests, LedgerReference? Signature);

/// <summary>
/// A first deployment's canary window ended healthy but short of the traffic a comparison needs, and every approver of the quorum had
/// explicitly accepted deploying without a canary comparison (ADR 0044): ModelPromoted follows. The counts are those at the window's end.
/// </summary>
/// <param name="Version">The promoted version.</param>
/// <param name="AcceptedBy">The approvers who accepted.</param>
/// <param name="CanaryRequests">Canary predictions seen.</param>
/// <param name="CanaryErrors">Failed canary predictions among them.</param>
/// <param name="MinRequests">The policy's traffic minimum.</param>
/// <param name="Acceptances">Their NoCanaryComparisonAccepted entries in the run's stream.</param>
public sealed record DeployedWithoutCanaryComparison(
    int Version, IReadOnlyList<string> AcceptedBy, int CanaryRequests, int CanaryErrors, int MinRequests, IReadOnlyList<LedgerReference> Acceptances);

/// <summary>
/// The production version has had too little traffic to be judged for longer than the policy allows: since
/// <paramref name="Since"/>, <paramref name="Samples"/> predictions of the <paramref name="MinSamples"/> needed
/// (and <paramref name="Feedback"/> labelled ones of <paramref name="MinFeedback"/>). Silence is recorded, not taken as health.
/// </summary>
public sealed record ModelNotJudged(int Version, DateTimeOffset Since, int Samples, int MinSamples, int Feedback, int MinFeedback);

/// <summary>
/// Like <see cref="ModelNotJudged"/> (too little traffic to judge the production version for longer than the policy allows), but the
/// pinned policy waives that check in writing: <paramref name="Check"/> is the waiver's "drift.min-samples" or "drift", and
/// <paramref name="Reason"/> its recorded reason. The silence is on the record with the reason it is accepted, not taken as health.
/// </summary>
public sealed record ModelNotJudgedWaived(int Version, DateTimeOffset Since, int Samples, int MinSamples, int Feedback, int MinFeedback, string Check, string Reason);
