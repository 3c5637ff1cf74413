namespace Orchestrator.Workflows.QualityControl;

/// <summary>The gold-set spot audit's outcome: reviewer agreement with a Wilson interval.</summary>
/// <param name="Reviewed">Sampled items a reviewer checked.</param>
/// <param name="PassRate">Share of reviewed items whose label the reviewer confirmed.</param>
/// <param name="Lower">Lower bound of the 95% Wilson interval of the pass rate.</param>
/// <param name="Upper">Upper bound of that interval.</param>
/// <param name="Kind">Who reviewed: <see cref="GoldAuditKinds.Simulated"/> (the source's own labels; evidence stored before this field was
/// recorded was always simulated) or <see cref="GoldAuditKinds.Human"/>.</param>
/// <param name="Reviewer">The verified identity of the human reviewer (null when simulated).</param>
/// <param name="Submission">The GoldAuditSubmitted ledger entry ("stream@version") the human labels came from (null when simulated).</param>
public sealed record GoldAuditEvidence(int Reviewed, double PassRate, double Lower, double Upper, string Kind = GoldAuditKinds.Simulated, string? Reviewer = null,
    string? Submission = null)
{
    /// <summary>True when no person reviewed the sample.</summary>
    public bool Simulated => Kind != GoldAuditKinds.Human;
}

/// <summary>
/// What the QC stage measured on a dataset version and its labels; the gate decides on this alone.
/// Agreement values are NaN (or null) where the statistic is undefined for the data.
/// </summary>
/// <param name="ItemCount">Images in the dataset version.</param>
/// <param name="CorruptCount">Images the source delivered that could not be decoded.</param>
/// <param name="FleissKappa">Fleiss' kappa; null when items received different numbers of labels.</param>
/// <param name="KrippendorffAlpha">Krippendorff's alpha (nominal, missing labels allowed).</param>
/// <param name="ClassAgreement">Specific agreement per class.</param>
/// <param name="DisagreementFraction">Share of items flagged for disagreement.</param>
/// <param name="GoldAudit">The spot audit, when one was reviewed.</param>
/// <param name="ClassCounts">Items per class (consensus labels).</param>
/// <param name="ImbalanceRatio">Largest class over smallest (infinity when a class is empty).</param>
/// <param name="ExactDuplicateFraction">Redundant byte-identical copies as a share of items.</param>
/// <param name="NearDuplicateFraction">Redundant perceptual near-copies as a share of items.</param>
/// <param name="LeakingItems">Items in duplicate groups that span train, validation and test.</param>
/// <param name="SliceCounts">Items per slice, keyed "attribute=value".</param>
/// <param name="ConsensusIterations">EM iterations the Dawid-Skene consensus ran (null: evidence from before it was recorded).</param>
/// <param name="ConsensusConverged">Whether the consensus reached its fixed point within its bound (null: not recorded; false: the consensus labels are not evidence).</param>
/// <param name="MultiLabel">True for a multi-label dataset: <paramref name="KrippendorffAlpha"/> is then the mean of the per-label alphas where defined,
/// <paramref name="FleissKappa"/> is null (there is one kappa per label, not one over label sets), <paramref name="ClassAgreement"/> is empty,
/// <paramref name="ClassCounts"/> count items carrying each label, and the consensus is a per-label majority (no EM, so no convergence).</param>
/// <param name="LabelAlpha">Multi-label data: Krippendorff's alpha (nominal) of each label rated present/absent, where defined; null for single-label data.</param>
public sealed record QcEvidence(
    int ItemCount,
    int CorruptCount,
    double? FleissKappa,
    double KrippendorffAlpha,
    IReadOnlyDictionary<string, double> ClassAgreement,
    double DisagreementFraction,
    GoldAuditEvidence? GoldAudit,
    IReadOnlyDictionary<string, int> ClassCounts,
    double ImbalanceRatio,
    double ExactDuplicateFraction,
    double NearDuplicateFraction,
    int LeakingItems,
    IReadOnlyDictionary<string, int> SliceCounts,
    int? ConsensusIterations = null,
    bool? ConsensusConverged = null,
    bool MultiLabel = false,
    IReadOnlyDictionary<string, double>? LabelAlpha = null)
{
    /// <summary>Corrupt images as a share of all images the source delivered.</summary>
    public double CorruptFraction => ItemCount + CorruptCount == 0 ? 0 : CorruptCount / (double)(ItemCount + CorruptCount);
}
