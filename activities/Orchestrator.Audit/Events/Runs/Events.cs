namespace Orchestrator.Audit.Events.Runs;

// The events of a pipeline run's stream (AuditStreams.Run). Shipped events are never renamed or
// reshaped: a change of meaning is a new event (docs/audit-ledger.md, "Versioning").

/// <summary>A user asked for a pipeline run (appended by the API before the workflow starts).</summary>
public sealed record RunRequested(string RunId, string Pipeline, string ModelName, string DatasetSource, string PolicyVersion);

/// <summary>The run's workflow started executing.</summary>
public sealed record RunStarted(string WorkflowId, string TaskQueue);

/// <summary>The dataset was acquired and its manifest stored (content-addressed).</summary>
public sealed record DatasetAcquired(
    string Source,
    string ManifestDigest,
    int ItemCount,
    IReadOnlyDictionary<string, int> ClassCounts,
    string Licence,
    string Retention);

/// <summary>Annotations were imported and bound to a label set.</summary>
public sealed record AnnotationsImported(IReadOnlyList<string> Annotators, string LabelSetDigest, int AnnotationCount);

/// <summary>The QC gate evaluated the annotated dataset under a policy version.</summary>
public sealed record QualityEvaluated(
    IReadOnlyDictionary<string, double> Agreement,
    int AuditedItems,
    int AuditFailures,
    int Duplicates,
    int LeakedItems,
    GateVerdict Verdict,
    string PolicyVersion,
    IReadOnlyList<string> Reasons);

/// <summary>Training started (or resumed from a checkpoint) on a device.</summary>
public sealed record TrainingStarted(IReadOnlyDictionary<string, string> Hyperparameters, string Device, int Epochs, string? ResumedFromCheckpoint);

/// <summary>One training epoch finished and its checkpoint was stored.</summary>
public sealed record TrainingEpochCompleted(int Epoch, double TrainLoss, double ValidationLoss, double ValidationAccuracy, string CheckpointDigest);

/// <summary>
/// What a training epoch asked of its GPU, sampled through NVML while it ran (recorded only on a CUDA device whose
/// driver answers): mean utilisation (0-1), peak and total device memory in bytes (the whole GPU's, which one
/// worker has to itself), the hottest reading in °C and how many samples these come from.
/// </summary>
public sealed record TrainingDeviceUsage(int Epoch, string Device, double MeanUtilization, long PeakMemoryBytes, long MemoryTotalBytes, int MaxTemperatureCelsius, int Samples);

/// <summary>Training finished; the curves hold one value per epoch.</summary>
public sealed record TrainingCompleted(int Epochs, string FinalCheckpointDigest, IReadOnlyList<double> LossCurve, IReadOnlyList<double> AccuracyCurve);

/// <summary>
/// A multi-label model's per-label decision thresholds, chosen on the validation split from the final checkpoint's best weights (the
/// weights the export writes): label to threshold, to how it was chosen ("maximised-validation-f1" or "no-validation-positives"), and
/// to the label's validation F1 at it (left out where undefined).
/// </summary>
public sealed record DecisionThresholdsChosen(string CheckpointDigest, IReadOnlyDictionary<string, double> Thresholds, IReadOnlyDictionary<string, string> Basis,
    IReadOnlyDictionary<string, double> ValidationF1);

/// <summary>The run asked for human approval of a model version on the given evidence.</summary>
public sealed record ApprovalRequested(
    string ModelName,
    int ModelVersion,
    string EvidenceDigest,
    IReadOnlyList<string> RequiredRoles,
    int Quorum,
    DateTimeOffset Deadline);

/// <summary>An authenticated approver signed a decision on the evidence they saw (appended by the API).</summary>
public sealed record ApprovalSigned(string Approver, IReadOnlyList<string> Roles, ApprovalDecision Decision, string Reason, string EvidenceDigest);

/// <summary>The workflow accepted the approval: quorum reached under the approval rules.</summary>
public sealed record ApprovalAccepted(IReadOnlyList<string> Approvers, IReadOnlyList<LedgerReference> Signatures);

/// <summary>The workflow rejected an approval (a reject decision, or an invalid signature such as a separation-of-duties breach).</summary>
public sealed record ApprovalRejected(string Reason, LedgerReference? Signature);

/// <summary>
/// The workflow did not count one signed approval (separation of duties, not eligible, stale evidence, a repeat, an
/// unconfirmable entry): the request stays open for other signatures. Replaces the use of <see cref="ApprovalRejected"/>
/// for refusals, which read as a rejection of the model and locked the run out of approvals.
/// </summary>
/// <param name="Approver">Who signed the refused entry (null when the entry could not be read).</param>
/// <param name="Rule">Which rule refused it: separation-of-duties, not-eligible, stale-evidence, deadline-passed, duplicate, ledger-mismatch.</param>
/// <param name="Reason">The rule's explanation.</param>
/// <param name="Signature">The refused ApprovalSigned entry.</param>
public sealed record ApprovalRefused(string? Approver, string Rule, string Reason, LedgerReference? Signature);

/// <summary>The approval deadline passed without a quorum.</summary>
public sealed record ApprovalExpired(DateTimeOffset Deadline);

/// <summary>The run finished successfully.</summary>
public sealed record RunCompleted(string ModelName, int? ModelVersion, string Summary);

/// <summary>The run ended with a failure at a stage (a failed gate included).</summary>
public sealed record RunFailed(string Stage, string Reason);

/// <summary>
/// Someone asked to cancel the run (appended by the API as the caller, before it cancels the workflow); the
/// envelope's actor is the same verified identity. The workflow's RunCancelled follows once the run has stopped.
/// </summary>
/// <param name="RequestedBy">The verified identity that asked.</param>
/// <param name="Reason">Why, as they gave it (null when they gave none).</param>
public sealed record RunCancellationRequested(string RequestedBy, string? Reason);

/// <summary>
/// Everyone who shaped the run, recorded when it is requested (after RunRequested): none of them may approve it
/// (separation of duties). Contributions: requester, dataset-registrant, label-submitter, retrain-starter.
/// </summary>
public sealed record RunContributorsRecorded(IReadOnlyList<RunContribution> Contributors);

/// <summary>The run was cancelled.</summary>
public sealed record RunCancelled(string Reason);

/// <summary>
/// The run's canary was held for too little traffic (policy "hold") and waits for a person's decision until
/// <paramref name="Deadline"/> (then it is rolled back): approvers sign <paramref name="EvidenceDigest"/> (ADR 0040).
/// </summary>
/// <param name="ModelName">The model.</param>
/// <param name="ModelVersion">The held canary's version.</param>
/// <param name="EvidenceDigest">Digest of the hold's evidence (version, counts, reason), recomputable from this entry.</param>
/// <param name="CanaryRequests">Canary predictions seen.</param>
/// <param name="ProductionRequests">Production predictions in the same window (0 on a first deployment).</param>
/// <param name="Reason">Why the canary could not be judged.</param>
/// <param name="Deadline">When it is rolled back if nobody decided.</param>
public sealed record CanaryDecisionRequested(
    string ModelName, int ModelVersion, string EvidenceDigest, int CanaryRequests, int ProductionRequests, string Reason, DateTimeOffset Deadline);

/// <summary>An authenticated approver decided a held canary: "promote" or "rollback" (appended by the API as the approver).</summary>
public sealed record CanaryDecisionSigned(string Approver, IReadOnlyList<string> Roles, string Decision, string Reason, string EvidenceDigest);

/// <summary>
/// An approver explicitly accepted deploying the run's version without a canary comparison (ADR 0044): appended by the API as
/// the approver right after their approving <paramref name="Approval"/> (an ApprovalSigned entry), only while
/// <paramref name="ModelName"/> had no production version. It counts only when every approver of the quorum accepted.
/// </summary>
/// <param name="Approver">The verified approver (the entry's actor too).</param>
/// <param name="Roles">Their verified roles.</param>
/// <param name="ModelName">The model that had no production version when they signed.</param>
/// <param name="Approval">The ApprovalSigned entry this acceptance goes with.</param>
/// <param name="EvidenceDigest">The evidence digest the approval signed.</param>
public sealed record NoCanaryComparisonAccepted(string Approver, IReadOnlyList<string> Roles, string ModelName, LedgerReference Approval, string EvidenceDigest);
