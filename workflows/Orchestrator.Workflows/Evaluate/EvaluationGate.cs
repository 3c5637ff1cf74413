using System.Globalization;

namespace Orchestrator.Workflows.Evaluate;

/// <summary>
/// The evaluation gate: a pure function of the measured evidence and the policy's thresholds. No clock,
/// no I/O, no randomness, so the workflow may call it, replay gets the same answer, and the reasons in
/// the audit trail can be recomputed from the stored report and policy years later.
/// </summary>
public static class EvaluationGate
{
    /// <summary>The comparisons a finding names.</summary>
    public const string AtLeastWords = "at least";
    public const string AtMostWords = "at most";

    public static EvaluationVerdict Evaluate(EvaluationEvidence evidence, EvaluationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(policy);
        var findings = new List<EvaluationFinding>();
        // Not a threshold of the policy: a model that answers NaN or infinity for any test item is broken.
        findings.Add(evidence.NonFiniteOutputs == 0
            ? new EvaluationFinding("finite-outputs", true, Format($"the model's outputs are finite for all {evidence.TestItems} test items"), 0, AtMostWords, 0)
            : new EvaluationFinding("finite-outputs", false, Format($"the model's outputs are NaN or infinite for {evidence.NonFiniteOutputs} of {evidence.TestItems} test items"),
                evidence.NonFiniteOutputs, AtMostWords, 0));
        AtLeast(findings, "accuracy", "accuracy", evidence.Accuracy, policy.MinAccuracy);
        AtLeast(findings, "macro-f1", "macro F1", evidence.MacroF1, policy.MinMacroF1);
        if (policy.MinClassRecall is { } minRecall)
        {
            foreach (var (name, recall) in evidence.ClassRecall.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                AtLeast(findings, "class-recall", $"recall of class '{name}'", recall, minRecall);
            }
        }

        AtMost(findings, "calibration", "expected calibration error", evidence.ExpectedCalibrationError, policy.MaxCalibrationError);
        AtMost(findings, "worst-slice-gap", $"accuracy gap to the worst slice{(evidence.WorstSlice is null ? string.Empty : $" ({evidence.WorstSlice})")}",
            evidence.WorstSliceGap, policy.MaxWorstSliceGap);
        if (policy.MaxRobustnessDrop is { } maxDrop)
        {
            foreach (var (name, drop) in evidence.RobustnessDrop.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                AtMost(findings, "robustness", $"accuracy drop under {name}", drop, maxDrop);
            }
        }

        AtMost(findings, "onnx-parity", "ONNX parity error", evidence.ParityMaxAbsError, policy.MaxParityError);
        Champion(findings, evidence.Champion, policy);
        return new EvaluationVerdict(findings.TrueForAll(f => f.Passed), findings);
    }

    private static void Champion(List<EvaluationFinding> findings, ChampionComparison? champion, EvaluationPolicy policy)
    {
        if (champion is null || (!policy.ForbidSignificantRegression && !policy.RequireSignificantImprovement))
        {
            // No production model yet: there is nothing to regress from.
            return;
        }

        var alpha = policy.SignificanceLevel;
        var summary = Format($"challenger accuracy {champion.ChallengerAccuracy:0.####} vs champion {champion.ChampionVersion} {champion.ChampionAccuracy:0.####} (McNemar p={champion.PValue:0.####}, alpha {alpha:0.####})");
        var significant = champion.PValue < alpha;
        if (policy.ForbidSignificantRegression)
        {
            var regressed = significant && champion.ChallengerAccuracy < champion.ChampionAccuracy;
            findings.Add(new EvaluationFinding("champion-regression", !regressed,
                regressed ? $"significant regression: {summary}" : $"no significant regression: {summary}"));
        }

        if (policy.RequireSignificantImprovement)
        {
            var improved = significant && champion.ChallengerAccuracy > champion.ChampionAccuracy;
            findings.Add(new EvaluationFinding("champion-improvement", improved,
                improved ? $"significant improvement: {summary}" : $"no significant improvement: {summary}"));
        }
    }

    private static void AtLeast(List<EvaluationFinding> findings, string check, string what, double value, double? minimum)
    {
        if (minimum is { } bound)
        {
            var passed = value >= bound;
            findings.Add(new EvaluationFinding(check, passed, $"{what} {Format(value)} {(passed ? ">=" : "is below the minimum")} {Format(bound)}", value, AtLeastWords, bound));
        }
    }

    private static void AtMost(List<EvaluationFinding> findings, string check, string what, double value, double? maximum)
    {
        if (maximum is { } bound)
        {
            // NaN never passes: an unmeasured value is not evidence of compliance.
            var passed = value <= bound;
            findings.Add(new EvaluationFinding(check, passed, $"{what} {Format(value)} {(passed ? "<=" : "is above the maximum")} {Format(bound)}", value, AtMostWords, bound));
        }
    }

    private static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
