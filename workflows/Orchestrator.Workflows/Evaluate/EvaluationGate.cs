using System.Globalization;
using Orchestrator.Workflows.Policies;

namespace Orchestrator.Workflows.Evaluate;

/// <summary>
/// The evaluation gate: a pure function of the measured evidence, the policy's thresholds and its waivers. No
/// clock, no I/O, no randomness, so the workflow may call it, replay gets the same answer, and the reasons in
/// the audit trail can be recomputed from the stored report and policy years later. Every check the policy
/// enables has an outcome; a value that could not be measured (NaN, no slices, no perturbation results) is
/// <see cref="CheckOutcome.NotMeasured"/> and fails the gate unless the policy waives it ("evaluation.&lt;check&gt;").
/// </summary>
public static class EvaluationGate
{
    /// <summary>The policy section the checks belong to (the prefix of their waivers).</summary>
    public const string Section = "evaluation";

    /// <summary>The comparison a finding names when its value must reach the bound.</summary>
    public const string AtLeastWords = "at least";

    /// <summary>The comparison a finding names when its value must not exceed the bound.</summary>
    public const string AtMostWords = "at most";

    public static EvaluationVerdict Evaluate(EvaluationEvidence evidence, EvaluationPolicy policy, IReadOnlyList<PolicyWaiver>? waivers = null)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(policy);
        var findings = new Findings(waivers);
        // Not a threshold of the policy: a model that answers NaN or infinity for any test item is broken.
        findings.Add("finite-outputs", evidence.TestItems == 0 ? CheckOutcome.NotMeasured : evidence.NonFiniteOutputs == 0 ? CheckOutcome.Passed : CheckOutcome.Failed,
            evidence.TestItems == 0 ? "the model was evaluated on no test items"
            : evidence.NonFiniteOutputs == 0 ? Format($"the model's outputs are finite for all {evidence.TestItems} test items")
            : Format($"the model's outputs are NaN or infinite for {evidence.NonFiniteOutputs} of {evidence.TestItems} test items"),
            new FindingBound(evidence.TestItems == 0 ? double.NaN : evidence.NonFiniteOutputs, AtMostWords, 0));
        findings.AtLeast("accuracy", "accuracy", evidence.Accuracy, policy.MinAccuracy);
        findings.AtLeast("macro-f1", "macro F1", evidence.MacroF1, policy.MinMacroF1);
        findings.AtLeast("mean-average-precision", "mean average precision", evidence.MeanAveragePrecision, policy.MinMeanAveragePrecision);
        findings.Each("label-average-precision", evidence.LabelAveragePrecision ?? new Dictionary<string, double>(), policy.MinLabelAveragePrecision,
            name => $"average precision of label '{name}'", atLeast: true, "no label's average precision was measured (not a multi-label model, or no label present in the test split)");
        if (evidence.MultiLabel && policy.MinMeanAveragePrecision is null && policy.MinLabelAveragePrecision is null)
        {
            // A multi-label model is judged on how it ranks each label; a policy written for single-label models sets no such bound, and its
            // accuracy/calibration checks are not measured here: without this check such a policy could pass on macro F1 or parity alone.
            findings.Add("multi-label-ranking", CheckOutcome.NotMeasured,
                "a multi-label model is judged on ranking quality, and the policy sets neither evaluation.minMeanAveragePrecision nor evaluation.minLabelAveragePrecision");
        }

        findings.Each("class-recall", evidence.ClassRecall, policy.MinClassRecall, name => $"recall of class '{name}'", atLeast: true, "no class recall was measured");
        findings.AtMost("calibration", "expected calibration error", evidence.ExpectedCalibrationError, policy.MaxCalibrationError);
        if (policy.MaxWorstSliceGap is { } maxGap && evidence.WorstSlice is null)
        {
            findings.Add("worst-slice-gap", CheckOutcome.NotMeasured,
                $"worst-slice gap not measured: no slice of the test split is large enough to judge (does the data carry slice metadata?); the policy allows at most {Format(maxGap)}",
                new FindingBound(double.NaN, AtMostWords, maxGap));
        }
        else
        {
            findings.AtMost("worst-slice-gap", $"accuracy gap to the worst slice ({evidence.WorstSlice})", evidence.WorstSliceGap, policy.MaxWorstSliceGap);
        }

        findings.Each("robustness", evidence.RobustnessDrop, policy.MaxRobustnessDrop, name => $"accuracy drop under {name}", atLeast: false, "no perturbation was evaluated");
        findings.AtMost("onnx-parity", "ONNX parity error", evidence.ParityMaxAbsError, policy.MaxParityError);
        Champion(findings, evidence.Champion, policy);
        return new EvaluationVerdict(findings.List.TrueForAll(f => f.Passed), findings.List);
    }

    private static void Champion(Findings findings, ChampionComparison? champion, EvaluationPolicy policy)
    {
        if (champion is null || (!policy.ForbidSignificantRegression && !policy.RequireSignificantImprovement))
        {
            // No production model yet: there is nothing to regress from.
            return;
        }

        var alpha = policy.SignificanceLevel;
        var summary = Format($"challenger accuracy {champion.ChallengerAccuracy:0.####} vs champion {champion.ChampionVersion} {champion.ChampionAccuracy:0.####} (McNemar p={champion.PValue:0.####}, alpha {alpha:0.####})");
        var measured = !double.IsNaN(champion.PValue) && !double.IsNaN(champion.ChallengerAccuracy) && !double.IsNaN(champion.ChampionAccuracy);
        var significant = champion.PValue < alpha;
        if (policy.ForbidSignificantRegression)
        {
            var regressed = significant && champion.ChallengerAccuracy < champion.ChampionAccuracy;
            findings.Add("champion-regression", !measured ? CheckOutcome.NotMeasured : regressed ? CheckOutcome.Failed : CheckOutcome.Passed,
                !measured ? $"champion comparison not measured: {summary}" : regressed ? $"significant regression: {summary}" : $"no significant regression: {summary}");
        }

        if (policy.RequireSignificantImprovement)
        {
            var improved = significant && champion.ChallengerAccuracy > champion.ChampionAccuracy;
            findings.Add("champion-improvement", !measured ? CheckOutcome.NotMeasured : improved ? CheckOutcome.Passed : CheckOutcome.Failed,
                !measured ? $"champion comparison not measured: {summary}" : improved ? $"significant improvement: {summary}" : $"no significant improvement: {summary}");
        }
    }

    private static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The findings so far, with the policy's waivers applied to each as it is added.</summary>
    private sealed class Findings(IReadOnlyList<PolicyWaiver>? waivers)
    {
        public List<EvaluationFinding> List { get; } = [];

        public void Add(string check, CheckOutcome measured, string detail, FindingBound? bound = null)
        {
            var (outcome, waiver) = PolicyWaiver.Apply(measured, waivers, Section, check);
            List.Add(new EvaluationFinding(check, outcome, detail, waiver?.Reason, bound?.Value, bound?.Comparison, bound?.Threshold));
        }

        public void AtLeast(string check, string what, double value, double? minimum)
        {
            if (minimum is { } bound)
            {
                var passed = value >= bound;
                Add(check, double.IsNaN(value) ? CheckOutcome.NotMeasured : passed ? CheckOutcome.Passed : CheckOutcome.Failed, double.IsNaN(value)
                    ? $"{what} was not measured; the policy requires at least {Format(bound)}"
                    : $"{what} {Format(value)} {(passed ? ">=" : "is below the minimum")} {Format(bound)}", new FindingBound(value, AtLeastWords, bound));
            }
        }

        public void AtMost(string check, string what, double value, double? maximum)
        {
            if (maximum is { } bound)
            {
                var passed = value <= bound;
                Add(check, double.IsNaN(value) ? CheckOutcome.NotMeasured : passed ? CheckOutcome.Passed : CheckOutcome.Failed, double.IsNaN(value)
                    ? $"{what} was not measured; the policy allows at most {Format(bound)}"
                    : $"{what} {Format(value)} {(passed ? "<=" : "is above the maximum")} {Format(bound)}", new FindingBound(value, AtMostWords, bound));
            }
        }

        /// <summary>One finding per measured key; a single not-measured finding when there is nothing to judge.</summary>
        public void Each(string check, IReadOnlyDictionary<string, double> values, double? bound, Func<string, string> what, bool atLeast, string whyNone)
        {
            if (bound is not { } limit)
            {
                return;
            }

            if (values.Count == 0)
            {
                Add(check, CheckOutcome.NotMeasured, $"{check} not measured: {whyNone}; the policy {(atLeast ? "requires at least" : "allows at most")} {Format(limit)}",
                    new FindingBound(double.NaN, atLeast ? AtLeastWords : AtMostWords, limit));
                return;
            }

            foreach (var (key, value) in values.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (atLeast)
                {
                    AtLeast(check, what(key), value, limit);
                }
                else
                {
                    AtMost(check, what(key), value, limit);
                }
            }
        }
    }
}
