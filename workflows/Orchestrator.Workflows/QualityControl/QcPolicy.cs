namespace Orchestrator.Workflows.QualityControl;

/// <summary>
/// The QC section of a versioned governance policy. Every threshold is optional: null means the check
/// is not part of this policy (it is then not reported either), so a policy states exactly what it
/// enforces. Bounds are inclusive: a value equal to a minimum or maximum passes.
/// </summary>
/// <param name="MinItems">Smallest acceptable dataset.</param>
/// <param name="MaxCorruptFraction">Largest tolerated share of undecodable images.</param>
/// <param name="MinFleissKappa">Lowest acceptable Fleiss' kappa (fails when it cannot be computed).</param>
/// <param name="MinKrippendorffAlpha">Lowest acceptable Krippendorff's alpha (0.8 is Krippendorff's own bar for firm conclusions, 0.667 for tentative ones).</param>
/// <param name="MinClassAgreement">Lowest acceptable specific agreement of any class.</param>
/// <param name="MaxDisagreementFraction">Largest tolerated share of items flagged for disagreement.</param>
/// <param name="MinGoldAuditLowerBound">The Wilson lower bound of the audit pass rate must reach this:
/// a small lucky sample does not pass on its point estimate.</param>
/// <param name="MinGoldAuditReviewed">Reviewed audit items required (fails when the audit is missing).</param>
/// <param name="MinClassCount">Fewest items any class may have.</param>
/// <param name="MaxImbalanceRatio">Largest tolerated largest-to-smallest class ratio.</param>
/// <param name="MaxExactDuplicateFraction">Largest tolerated share of redundant exact copies.</param>
/// <param name="MaxNearDuplicateFraction">Largest tolerated share of redundant near-copies.</param>
/// <param name="MaxLeakingItems">Most items allowed in duplicate groups spanning splits (normally 0).</param>
/// <param name="MinSliceCount">Fewest items any slice may have.</param>
/// <param name="GoldAudit">Who may review the gold-set spot audit: "simulated-allowed" (absent: the source's own labels may, for
/// synthetic data) or "human" (the run waits for a reviewer's submission; a simulated audit is not measured).</param>
/// <param name="GoldAuditDeadline">How long a run waits for a human gold audit before QC judges without it (required with "human").</param>
/// <param name="MinLabelAlpha">Multi-label data: lowest acceptable Krippendorff's alpha of any label (each label rated present/absent; ADR 0042);
/// not measured for single-label data.</param>
public sealed record QcPolicy(
    int? MinItems = null,
    double? MaxCorruptFraction = null,
    double? MinFleissKappa = null,
    double? MinKrippendorffAlpha = null,
    double? MinClassAgreement = null,
    double? MaxDisagreementFraction = null,
    double? MinGoldAuditLowerBound = null,
    int? MinGoldAuditReviewed = null,
    int? MinClassCount = null,
    double? MaxImbalanceRatio = null,
    double? MaxExactDuplicateFraction = null,
    double? MaxNearDuplicateFraction = null,
    int? MaxLeakingItems = null,
    int? MinSliceCount = null,
    GoldAuditMode? GoldAudit = null,
    TimeSpan? GoldAuditDeadline = null,
    double? MinLabelAlpha = null);
