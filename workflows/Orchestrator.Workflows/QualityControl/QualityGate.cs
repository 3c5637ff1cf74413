using System.Globalization;

namespace Orchestrator.Workflows.QualityControl;

/// <summary>
/// The QC gate: a pure function of the stage's evidence and the policy's thresholds. Deterministic
/// (no clock, no I/O), so the workflow may call it, replay gets the same answer, and the audit trail's
/// reasons can be recomputed from the stored evidence and policy at any later time.
/// </summary>
public static class QualityGate
{
    public static QcVerdict Evaluate(QcEvidence evidence, QcPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(policy);
        var findings = new List<QcFinding>();

        AtLeast(findings, "dataset-size", QcArea.Data, "items", evidence.ItemCount, policy.MinItems);
        AtMost(findings, "corrupt-images", QcArea.Data, "corrupt image share", evidence.CorruptFraction, policy.MaxCorruptFraction);
        AtLeast(findings, "fleiss-kappa", QcArea.Labels, "Fleiss' kappa", evidence.FleissKappa ?? double.NaN, policy.MinFleissKappa,
            evidence.FleissKappa is null ? "items received different numbers of labels" : null);
        AtLeast(findings, "krippendorff-alpha", QcArea.Labels, "Krippendorff's alpha", evidence.KrippendorffAlpha, policy.MinKrippendorffAlpha);
        if (policy.MinClassAgreement is { } minAgreement)
        {
            foreach (var (label, agreement) in evidence.ClassAgreement.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                AtLeast(findings, "class-agreement", QcArea.Labels, $"agreement on '{label}'", agreement, minAgreement);
            }
        }

        AtMost(findings, "disagreement", QcArea.Labels, "share of items flagged for disagreement", evidence.DisagreementFraction, policy.MaxDisagreementFraction);
        GoldAudit(findings, evidence.GoldAudit, policy);
        if (policy.MinClassCount is { } minClass)
        {
            foreach (var (label, count) in evidence.ClassCounts.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                AtLeast(findings, "class-count", QcArea.Data, $"items of class '{label}'", count, minClass);
            }
        }

        AtMost(findings, "class-imbalance", QcArea.Data, "class imbalance ratio", evidence.ImbalanceRatio, policy.MaxImbalanceRatio);
        AtMost(findings, "exact-duplicates", QcArea.Data, "exact duplicate share", evidence.ExactDuplicateFraction, policy.MaxExactDuplicateFraction);
        AtMost(findings, "near-duplicates", QcArea.Data, "near-duplicate share", evidence.NearDuplicateFraction, policy.MaxNearDuplicateFraction);
        AtMost(findings, "split-leakage", QcArea.Data, "items leaking across splits", evidence.LeakingItems, policy.MaxLeakingItems);
        if (policy.MinSliceCount is { } minSlice)
        {
            foreach (var (slice, count) in evidence.SliceCounts.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                AtLeast(findings, "slice-count", QcArea.Data, $"items in slice {slice}", count, minSlice);
            }
        }

        return new QcVerdict(findings.TrueForAll(f => f.Passed), findings);
    }

    private static void GoldAudit(List<QcFinding> findings, GoldAuditEvidence? audit, QcPolicy policy)
    {
        if (policy.MinGoldAuditReviewed is null && policy.MinGoldAuditLowerBound is null)
        {
            return;
        }

        if (audit is null)
        {
            findings.Add(new QcFinding("gold-audit", QcArea.Labels, false, "gold-set audit required by the policy but not reviewed"));
            return;
        }

        AtLeast(findings, "gold-audit-size", QcArea.Labels, "reviewed audit items", audit.Reviewed, policy.MinGoldAuditReviewed);
        AtLeast(findings, "gold-audit", QcArea.Labels, Format($"gold-audit pass rate {audit.PassRate:0.###} (95% interval {audit.Lower:0.###}-{audit.Upper:0.###}), lower bound"),
            audit.Lower, policy.MinGoldAuditLowerBound);
    }

    private static void AtLeast(List<QcFinding> findings, string check, QcArea area, string what, double value, double? minimum, string? undefinedBecause = null)
    {
        if (minimum is not { } bound)
        {
            return;
        }

        var passed = value >= bound;
        var detail = double.IsNaN(value)
            ? $"{what} is undefined ({undefinedBecause ?? "no pairable labels or a single class"}); the policy requires at least {Format(bound)}"
            : $"{what} {Format(value)} {(passed ? ">=" : "is below the minimum")} {Format(bound)}";
        findings.Add(new QcFinding(check, area, passed, detail, value, Orchestrator.Workflows.Evaluate.EvaluationGate.AtLeastWords, bound));
    }

    private static void AtMost(List<QcFinding> findings, string check, QcArea area, string what, double value, double? maximum)
    {
        if (maximum is not { } bound)
        {
            return;
        }

        // NaN never passes: an unmeasured value is not evidence of compliance.
        var passed = value <= bound;
        findings.Add(new QcFinding(check, area, passed, $"{what} {Format(value)} {(passed ? "<=" : "is above the maximum")} {Format(bound)}", value,
            Orchestrator.Workflows.Evaluate.EvaluationGate.AtMostWords, bound));
    }

    private static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
