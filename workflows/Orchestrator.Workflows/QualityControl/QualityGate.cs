using System.Globalization;
using Orchestrator.Workflows.Evaluate;
using Orchestrator.Workflows.Policies;

namespace Orchestrator.Workflows.QualityControl;

/// <summary>
/// The QC gate: a pure function of the stage's evidence, the policy's thresholds and its waivers. Deterministic
/// (no clock, no I/O), so the workflow may call it, replay gets the same answer, and the audit trail's
/// reasons can be recomputed from the stored evidence and policy at any later time. Every check the policy
/// enables has an outcome: a value that could not be measured (undefined agreement, no audit, no slices, a
/// consensus that did not converge) is <see cref="CheckOutcome.NotMeasured"/> and fails the gate unless the
/// policy waives the check ("quality.&lt;check&gt;").
/// </summary>
public static class QualityGate
{
    /// <summary>The policy section the checks belong to (the prefix of their waivers).</summary>
    public const string Section = "quality";

    public static QcVerdict Evaluate(QcEvidence evidence, QcPolicy policy, IReadOnlyList<PolicyWaiver>? waivers = null)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(policy);
        var findings = new Findings(waivers);

        findings.AtLeast("dataset-size", QcArea.Data, "items", evidence.ItemCount, policy.MinItems);
        findings.AtMost("corrupt-images", QcArea.Data, "corrupt image share", evidence.CorruptFraction, policy.MaxCorruptFraction);
        findings.AtLeast("fleiss-kappa", QcArea.Labels, "Fleiss' kappa", evidence.FleissKappa ?? double.NaN, policy.MinFleissKappa,
            evidence.FleissKappa is not null ? null
            : evidence.MultiLabel ? "a multi-label dataset has an agreement per label, not one over label sets: use quality.minLabelAlpha"
            : "items received different numbers of labels");
        findings.AtLeast("krippendorff-alpha", QcArea.Labels, evidence.MultiLabel ? "mean per-label Krippendorff's alpha" : "Krippendorff's alpha", evidence.KrippendorffAlpha,
            policy.MinKrippendorffAlpha, evidence.MultiLabel ? "no label has a defined agreement: every rating of every label was the same" : null);
        findings.Each("class-agreement", QcArea.Labels, evidence.ClassAgreement, policy.MinClassAgreement, label => $"agreement on '{label}'",
            evidence.MultiLabel ? "a multi-label dataset's agreement is measured per label (quality.minLabelAlpha), not per class" : "no class agreement was measured");
        findings.Each("label-agreement", QcArea.Labels, evidence.LabelAlpha ?? new Dictionary<string, double>(), policy.MinLabelAlpha,
            label => $"Krippendorff's alpha on label '{label}'",
            evidence.MultiLabel ? "no label has a defined agreement: every rating of every label was the same" : "not a multi-label dataset: label-set agreement does not apply");
        findings.AtMost("disagreement", QcArea.Labels, "share of items flagged for disagreement", evidence.DisagreementFraction, policy.MaxDisagreementFraction);
        Convergence(findings, evidence);
        GoldAudit(findings, evidence.GoldAudit, policy);
        findings.Each("class-count", QcArea.Data, evidence.ClassCounts.ToDictionary(p => p.Key, p => (double)p.Value, StringComparer.Ordinal), policy.MinClassCount,
            label => $"items of class '{label}'", "the data has no classes");
        findings.AtMost("class-imbalance", QcArea.Data, "class imbalance ratio", evidence.ImbalanceRatio, policy.MaxImbalanceRatio);
        findings.AtMost("exact-duplicates", QcArea.Data, "exact duplicate share", evidence.ExactDuplicateFraction, policy.MaxExactDuplicateFraction);
        findings.AtMost("near-duplicates", QcArea.Data, "near-duplicate share", evidence.NearDuplicateFraction, policy.MaxNearDuplicateFraction);
        findings.AtMost("split-leakage", QcArea.Data, "items leaking across splits", evidence.LeakingItems, policy.MaxLeakingItems);
        findings.Each("slice-count", QcArea.Data, evidence.SliceCounts.ToDictionary(p => p.Key, p => (double)p.Value, StringComparer.Ordinal), policy.MinSliceCount,
            slice => $"items in slice {slice}", "the data carries no slice metadata (register a slice file with the dataset)");

        return new QcVerdict(findings.List.TrueForAll(f => f.Passed), findings.List);
    }

    /// <summary>The consensus labels every label check rests on: an EM that stopped before its fixed point is not evidence.</summary>
    private static void Convergence(Findings findings, QcEvidence evidence)
    {
        if (evidence.ConsensusConverged is not { } converged)
        {
            return;
        }

        var iterations = evidence.ConsensusIterations ?? 0;
        findings.Add("consensus-convergence", QcArea.Labels, converged ? CheckOutcome.Passed : CheckOutcome.NotMeasured, converged
            ? Format($"Dawid-Skene consensus converged in {iterations} iterations")
            : Format($"Dawid-Skene consensus did not converge within {iterations} iterations: the consensus labels are not measured"));
    }

    /// <summary>
    /// The spot audit. Under "goldAudit": "human" the reviewer must be a person (check "gold-audit-reviewer"): a simulated
    /// audit is not measured and its figures are not used, so the source's own labels can never pass for a review.
    /// </summary>
    private static void GoldAudit(Findings findings, GoldAuditEvidence? audit, QcPolicy policy)
    {
        if (policy.GoldAudit == GoldAuditMode.Human)
        {
            findings.Add("gold-audit-reviewer", QcArea.Labels, audit switch
            {
                null => CheckOutcome.NotMeasured,
                { Simulated: true } => CheckOutcome.NotMeasured,
                _ => CheckOutcome.Passed,
            }, audit switch
            {
                null => "the policy requires a human gold audit and no reviewer submitted one",
                { Simulated: true } => "the policy requires a human gold audit; this audit was simulated (the data source's own labels reviewed the sample), so it is not evidence",
                _ => $"gold audit reviewed by {audit.Reviewer} (human, ledger entry {audit.Submission})",
            });
            audit = audit is { Simulated: true } ? null : audit;
        }

        if (policy.MinGoldAuditReviewed is null && policy.MinGoldAuditLowerBound is null)
        {
            return;
        }

        if (audit is null)
        {
            findings.Add("gold-audit", QcArea.Labels, CheckOutcome.NotMeasured, policy.GoldAudit == GoldAuditMode.Human
                ? "gold-set audit required by the policy but no human audit was reviewed"
                : "gold-set audit required by the policy but not reviewed");
            return;
        }

        var who = audit.Simulated ? "simulated audit (the source's own labels as reviewer)" : $"human audit by {audit.Reviewer}";
        findings.AtLeast("gold-audit-size", QcArea.Labels, $"reviewed audit items ({who})", audit.Reviewed, policy.MinGoldAuditReviewed);
        findings.AtLeast("gold-audit", QcArea.Labels, Format($"{who}: gold-audit pass rate {audit.PassRate:0.###} (95% interval {audit.Lower:0.###}-{audit.Upper:0.###}), lower bound"),
            audit.Lower, policy.MinGoldAuditLowerBound);
    }

    private static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The findings so far, with the policy's waivers applied to each as it is added.</summary>
    private sealed class Findings(IReadOnlyList<PolicyWaiver>? waivers)
    {
        public List<QcFinding> List { get; } = [];

        public void Add(string check, QcArea area, CheckOutcome measured, string detail, FindingBound? bound = null)
        {
            var (outcome, waiver) = PolicyWaiver.Apply(measured, waivers, Section, check);
            List.Add(new QcFinding(check, area, outcome, detail, waiver?.Reason, bound?.Value, bound?.Comparison, bound?.Threshold));
        }

        public void AtLeast(string check, QcArea area, string what, double value, double? minimum, string? undefinedBecause = null)
        {
            if (minimum is not { } bound)
            {
                return;
            }

            if (double.IsNaN(value))
            {
                Add(check, area, CheckOutcome.NotMeasured,
                    $"{what} is undefined ({undefinedBecause ?? "no pairable labels or a single class"}); the policy requires at least {Format(bound)}",
                    new FindingBound(value, EvaluationGate.AtLeastWords, bound));
                return;
            }

            var passed = value >= bound;
            Add(check, area, passed ? CheckOutcome.Passed : CheckOutcome.Failed, $"{what} {Format(value)} {(passed ? ">=" : "is below the minimum")} {Format(bound)}",
                new FindingBound(value, EvaluationGate.AtLeastWords, bound));
        }

        public void AtMost(string check, QcArea area, string what, double value, double? maximum)
        {
            if (maximum is not { } bound)
            {
                return;
            }

            if (double.IsNaN(value))
            {
                Add(check, area, CheckOutcome.NotMeasured, $"{what} was not measured; the policy allows at most {Format(bound)}", new FindingBound(value, EvaluationGate.AtMostWords, bound));
                return;
            }

            var passed = value <= bound;
            Add(check, area, passed ? CheckOutcome.Passed : CheckOutcome.Failed, $"{what} {Format(value)} {(passed ? "<=" : "is above the maximum")} {Format(bound)}",
                new FindingBound(value, EvaluationGate.AtMostWords, bound));
        }

        /// <summary>One finding per measured key; a single not-measured finding when there is nothing to judge.</summary>
        public void Each(string check, QcArea area, IReadOnlyDictionary<string, double> values, double? minimum, Func<string, string> what, string whyNone)
        {
            if (minimum is not { } bound)
            {
                return;
            }

            if (values.Count == 0)
            {
                Add(check, area, CheckOutcome.NotMeasured, $"{check} not measured: {whyNone}; the policy requires at least {Format(bound)}",
                    new FindingBound(double.NaN, EvaluationGate.AtLeastWords, bound));
                return;
            }

            foreach (var (key, value) in values.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                AtLeast(check, area, what(key), value, bound);
            }
        }
    }
}
