using Orchestrator.Workflows.Policies;

namespace Orchestrator.Workflows.Evaluate;

/// <summary>
/// The evaluation section of a versioned governance policy. Every threshold is optional: null means
/// the check is not part of this policy. Bounds are inclusive.
/// </summary>
/// <param name="MinAccuracy">Lowest acceptable accuracy.</param>
/// <param name="MinMacroF1">Lowest acceptable macro F1.</param>
/// <param name="MinClassRecall">Lowest acceptable recall of any class.</param>
/// <param name="MaxCalibrationError">Largest tolerated expected calibration error.</param>
/// <param name="MaxWorstSliceGap">Largest tolerated gap between overall and worst-slice accuracy.</param>
/// <param name="MaxRobustnessDrop">Largest tolerated accuracy loss under any perturbation.</param>
/// <param name="MaxParityError">Largest tolerated ONNX-vs-TorchSharp logit difference.</param>
/// <param name="ForbidSignificantRegression">Fail when the challenger is worse than the champion and
/// McNemar's p-value is below <paramref name="SignificanceLevel"/>.</param>
/// <param name="RequireSignificantImprovement">Fail unless the challenger is better than the champion
/// with p below <paramref name="SignificanceLevel"/> (a stricter bar for replacing a production model).</param>
/// <param name="SignificanceLevel">Alpha of the champion/challenger tests.</param>
/// <param name="MinMeanAveragePrecision">Multi-label models: lowest acceptable mean average precision over the labels present in the test split.</param>
/// <param name="MinLabelAveragePrecision">Multi-label models: lowest acceptable average precision of any label present in the test split.</param>
public sealed record EvaluationPolicy(
    double? MinAccuracy = null,
    double? MinMacroF1 = null,
    double? MinClassRecall = null,
    double? MaxCalibrationError = null,
    double? MaxWorstSliceGap = null,
    double? MaxRobustnessDrop = null,
    double? MaxParityError = null,
    bool ForbidSignificantRegression = false,
    bool RequireSignificantImprovement = false,
    double SignificanceLevel = 0.05,
    double? MinMeanAveragePrecision = null,
    double? MinLabelAveragePrecision = null);

/// <summary>One check of the evaluation gate.</summary>
/// <param name="Check">Stable check name (for example "accuracy"); "evaluation.&lt;check&gt;" names it in a policy waiver.</param>
/// <param name="Outcome">Passed, failed, not measured (fails the gate) or waived (not measured, and the policy waives it).</param>
/// <param name="Detail">Readable line with the measured value (or why there is none) and the threshold.</param>
/// <param name="Waiver">The policy's reason when <paramref name="Outcome"/> is <see cref="CheckOutcome.Waived"/>.</param>
/// <param name="Value">The measured value compared (NaN when it could not be measured); null for checks that are not one comparison.</param>
/// <param name="Comparison">"at least" or "at most" (<see cref="EvaluationGate.AtLeastWords"/>, <see cref="EvaluationGate.AtMostWords"/>); null when <paramref name="Threshold"/> is.</param>
/// <param name="Threshold">The policy's bound; null for checks that are not one comparison.</param>
public sealed record EvaluationFinding(string Check, CheckOutcome Outcome, string Detail, string? Waiver = null, double? Value = null, string? Comparison = null,
    double? Threshold = null)
{
    /// <summary>Whether this check lets the gate pass (passed or waived).</summary>
    public bool Passed => Outcome.Allows();
}

/// <summary>The evaluation gate's decision.</summary>
/// <param name="Passed">True when every check the policy enables passed or was waived.</param>
/// <param name="Findings">Every check that ran, whatever its outcome, in a fixed order.</param>
public sealed record EvaluationVerdict(bool Passed, IReadOnlyList<EvaluationFinding> Findings)
{
    /// <summary>The failed and unmeasured checks' details: the reasons recorded in the audit trail.</summary>
    public IReadOnlyList<string> Reasons => [.. Findings.Where(f => !f.Passed).Select(f => f.Detail)];

    /// <summary>The waived checks as "check: reason", recorded with the evidence and shown to approvers.</summary>
    public IReadOnlyList<string> Waivers => [.. Findings.Where(f => f.Outcome == CheckOutcome.Waived).Select(f => $"{f.Check}: {f.Waiver}")];
}
