using Orchestrator.Workflows.Evaluate;
using Orchestrator.Workflows.Policies;

namespace Orchestrator.Workflows.Tests.Evaluate;

public sealed class EvaluationGateTests
{
    private static readonly EvaluationPolicy Strict = new(
        MinAccuracy: 0.9, MinMacroF1: 0.88, MinClassRecall: 0.8, MaxCalibrationError: 0.05, MaxWorstSliceGap: 0.1,
        MaxRobustnessDrop: 0.15, MaxParityError: 1e-4, ForbidSignificantRegression: true);

    private static EvaluationEvidence Good() => new(
        Accuracy: 0.95,
        MacroF1: 0.94,
        ClassRecall: new Dictionary<string, double> { ["circle"] = 0.97, ["square"] = 0.93 },
        ExpectedCalibrationError: 0.02,
        WorstSlice: "lighting=night",
        WorstSliceGap: 0.04,
        RobustnessDrop: new Dictionary<string, double> { ["blur-1"] = 0.05, ["noise-20"] = 0.1 },
        ParityMaxAbsError: 3e-6,
        Champion: new ChampionComparison("v3", 0.94, 0.95, 0.4),
        TestItems: 200);

    [Fact]
    public void Evaluate_AllWithinPolicy_PassesWithEveryCheckReported()
    {
        var verdict = EvaluationGate.Evaluate(Good(), Strict);

        verdict.Passed.ShouldBeTrue();
        verdict.Reasons.ShouldBeEmpty();
        verdict.Findings.Select(f => f.Check).ShouldBe(
        [
            "finite-outputs", "accuracy", "macro-f1", "class-recall", "class-recall", "calibration", "worst-slice-gap",
            "robustness", "robustness", "onnx-parity", "champion-regression",
        ]);
    }

    [Fact]
    public void Evaluate_ThresholdChecks_CarryMeasuredValueComparisonAndBound()
    {
        var verdict = EvaluationGate.Evaluate(Good() with { Accuracy = 0.85 }, Strict);

        var accuracy = verdict.Findings.Single(f => f.Check == "accuracy");
        (accuracy.Outcome, accuracy.Value, accuracy.Comparison, accuracy.Threshold).ShouldBe((CheckOutcome.Failed, 0.85, EvaluationGate.AtLeastWords, 0.9));
        var parity = verdict.Findings.Single(f => f.Check == "onnx-parity");
        (parity.Outcome, parity.Value, parity.Comparison, parity.Threshold).ShouldBe((CheckOutcome.Passed, 3e-6, EvaluationGate.AtMostWords, 1e-4));
        verdict.Findings.Single(f => f.Check == "champion-regression").Threshold.ShouldBeNull();
    }

    [Fact]
    public void Evaluate_UnmeasuredCheck_KeepsItsBoundWithNaNAndTheWaiverReason()
    {
        var evidence = Good() with { WorstSlice = null, WorstSliceGap = double.NaN, ExpectedCalibrationError = double.NaN };

        var verdict = EvaluationGate.Evaluate(evidence, Strict, [new PolicyWaiver("evaluation.worst-slice-gap", "no slice metadata for this data")]);

        var slice = verdict.Findings.Single(f => f.Check == "worst-slice-gap");
        (slice.Outcome, slice.Waiver, slice.Comparison, slice.Threshold).ShouldBe((CheckOutcome.Waived, "no slice metadata for this data", EvaluationGate.AtMostWords, 0.1));
        double.IsNaN(slice.Value!.Value).ShouldBeTrue();
        var calibration = verdict.Findings.Single(f => f.Check == "calibration");
        (calibration.Outcome, calibration.Threshold).ShouldBe((CheckOutcome.NotMeasured, 0.05));
        double.IsNaN(calibration.Value!.Value).ShouldBeTrue();
        verdict.Passed.ShouldBeFalse();
    }

    [Fact]
    public void Evaluate_ModelAnsweringNaNForSomeItems_FailsWhateverThePolicy()
    {
        var verdict = EvaluationGate.Evaluate(Good() with { NonFiniteOutputs = 3 }, new EvaluationPolicy());

        verdict.Passed.ShouldBeFalse();
        verdict.Reasons.ShouldBe(["the model's outputs are NaN or infinite for 3 of 200 test items"]);
    }

    [Fact]
    public void Evaluate_LowAccuracyAndWeakClass_FailsNamingBoth()
    {
        var evidence = Good() with { Accuracy = 0.85, ClassRecall = new Dictionary<string, double> { ["circle"] = 0.99, ["square"] = 0.6 } };

        var verdict = EvaluationGate.Evaluate(evidence, Strict);

        verdict.Passed.ShouldBeFalse();
        verdict.Reasons.ShouldBe(["accuracy 0.85 is below the minimum 0.9", "recall of class 'square' 0.6 is below the minimum 0.8"]);
    }

    [Fact]
    public void Evaluate_SliceGapRobustnessAndParity_FailEach()
    {
        var evidence = Good() with
        {
            WorstSliceGap = 0.2,
            RobustnessDrop = new Dictionary<string, double> { ["brightness-0.5"] = 0.3 },
            ParityMaxAbsError = 2e-3,
        };

        var verdict = EvaluationGate.Evaluate(evidence, Strict);

        verdict.Findings.Where(f => !f.Passed).Select(f => f.Check).ShouldBe(["worst-slice-gap", "robustness", "onnx-parity"]);
        verdict.Reasons[0].ShouldContain("lighting=night");
        verdict.Reasons[1].ShouldContain("brightness-0.5");
    }

    [Fact]
    public void Evaluate_SignificantlyWorseThanChampion_Fails()
    {
        var evidence = Good() with { Champion = new ChampionComparison("v3", 0.97, 0.95, 0.01) };

        var verdict = EvaluationGate.Evaluate(evidence, Strict);

        verdict.Passed.ShouldBeFalse();
        verdict.Reasons.ShouldHaveSingleItem().ShouldStartWith("significant regression");
    }

    [Fact]
    public void Evaluate_WorseThanChampionButNotSignificant_Passes()
    {
        var evidence = Good() with { Champion = new ChampionComparison("v3", 0.96, 0.95, 0.3) };

        EvaluationGate.Evaluate(evidence, Strict).Passed.ShouldBeTrue();
    }

    [Fact]
    public void Evaluate_ImprovementRequiredButNotSignificant_Fails()
    {
        var policy = new EvaluationPolicy(RequireSignificantImprovement: true);

        var verdict = EvaluationGate.Evaluate(Good(), policy);

        verdict.Passed.ShouldBeFalse();
        verdict.Reasons.ShouldHaveSingleItem().ShouldStartWith("no significant improvement");
    }

    [Fact]
    public void Evaluate_NoChampionYet_SkipsChampionChecks()
    {
        var verdict = EvaluationGate.Evaluate(Good() with { Champion = null }, Strict with { RequireSignificantImprovement = true });

        verdict.Passed.ShouldBeTrue();
        verdict.Findings.ShouldNotContain(f => f.Check.StartsWith("champion", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_UnmeasuredCalibration_FailsRatherThanPasses()
    {
        var verdict = EvaluationGate.Evaluate(Good() with { ExpectedCalibrationError = double.NaN }, Strict);

        verdict.Passed.ShouldBeFalse();
        verdict.Findings.Single(f => !f.Passed).Check.ShouldBe("calibration");
    }

    [Fact]
    public void Evaluate_EmptyPolicy_ChecksOnlyThatOutputsAreFinite()
    {
        var verdict = EvaluationGate.Evaluate(Good() with { Accuracy = 0.1 }, new EvaluationPolicy());

        verdict.Passed.ShouldBeTrue();
        verdict.Findings.Select(f => f.Check).ShouldBe(["finite-outputs"]);
    }

    [Fact]
    public void Evaluate_SliceThresholdAndNoSlices_IsNotMeasuredAndFails()
    {
        var verdict = EvaluationGate.Evaluate(Good() with { WorstSlice = null, WorstSliceGap = 0 }, Strict);

        verdict.Passed.ShouldBeFalse();
        var finding = verdict.Findings.Single(f => f.Check == "worst-slice-gap");
        finding.Outcome.ShouldBe(CheckOutcome.NotMeasured);
        verdict.Reasons.ShouldHaveSingleItem().ShouldStartWith("worst-slice gap not measured");
    }

    [Fact]
    public void Evaluate_SliceThresholdAndNoSlicesWaived_PassesWithTheWaiverRecorded()
    {
        var verdict = EvaluationGate.Evaluate(Good() with { WorstSlice = null, WorstSliceGap = 0 }, Strict,
            [new PolicyWaiver("evaluation.worst-slice-gap", "no subgroup metadata exists for this data")]);

        verdict.Passed.ShouldBeTrue();
        verdict.Findings.Single(f => f.Check == "worst-slice-gap").Outcome.ShouldBe(CheckOutcome.Waived);
        verdict.Waivers.ShouldBe(["worst-slice-gap: no subgroup metadata exists for this data"]);
    }

    [Fact]
    public void Evaluate_EveryOutcome_PassedFailedNotMeasuredAndWaived()
    {
        var evidence = Good() with { Accuracy = 0.5, ExpectedCalibrationError = double.NaN, RobustnessDrop = new Dictionary<string, double>() };

        var verdict = EvaluationGate.Evaluate(evidence, Strict, [new PolicyWaiver("evaluation.robustness", "perturbations do not apply to this sensor")]);

        verdict.Findings.Single(f => f.Check == "macro-f1").Outcome.ShouldBe(CheckOutcome.Passed);
        verdict.Findings.Single(f => f.Check == "accuracy").Outcome.ShouldBe(CheckOutcome.Failed);
        verdict.Findings.Single(f => f.Check == "calibration").Outcome.ShouldBe(CheckOutcome.NotMeasured);
        verdict.Findings.Single(f => f.Check == "robustness").Outcome.ShouldBe(CheckOutcome.Waived);
        verdict.Passed.ShouldBeFalse();
    }

    [Fact]
    public void Evaluate_NoClassRecallMeasured_IsNotMeasured() =>
        EvaluationGate.Evaluate(Good() with { ClassRecall = new Dictionary<string, double>() }, Strict)
            .Findings.Single(f => f.Check == "class-recall").Outcome.ShouldBe(CheckOutcome.NotMeasured);

    [Fact]
    public void Evaluate_NoTestItems_FiniteOutputsNotMeasured()
    {
        var verdict = EvaluationGate.Evaluate(Good() with { TestItems = 0 }, new EvaluationPolicy());

        verdict.Passed.ShouldBeFalse();
        verdict.Findings.Single().Outcome.ShouldBe(CheckOutcome.NotMeasured);
    }

    [Fact]
    public void Evaluate_ChampionPValueUndefined_IsNotMeasured() =>
        EvaluationGate.Evaluate(Good() with { Champion = new ChampionComparison("v3", 0.9, 0.9, double.NaN) }, Strict)
            .Findings.Single(f => f.Check == "champion-regression").Outcome.ShouldBe(CheckOutcome.NotMeasured);
}

/// <summary>The multi-label checks: mean average precision and each label's average precision, with the four outcomes.</summary>
public sealed class MultiLabelEvaluationGateTests
{
    private static readonly EvaluationPolicy Policy = new(MinMacroF1: 0.6, MinMeanAveragePrecision: 0.8, MinLabelAveragePrecision: 0.7);

    private static EvaluationEvidence Measured(double map, params (string Label, double Ap)[] perLabel) => new(
        double.NaN, 0.7, new Dictionary<string, double>(), double.NaN, null, double.NaN, new Dictionary<string, double>(), 1e-6, null,
        TestItems: 100, MeanAveragePrecision: map, LabelAveragePrecision: perLabel.ToDictionary(p => p.Label, p => p.Ap));

    [Fact]
    public void Evaluate_MeanAndEveryLabelAboveTheirMinimums_Passes()
    {
        var verdict = EvaluationGate.Evaluate(Measured(0.85, ("cat", 0.9), ("dog", 0.8)), Policy);

        verdict.Passed.ShouldBeTrue();
        verdict.Findings.Select(f => f.Check).ShouldBe(["finite-outputs", "macro-f1", "mean-average-precision", "label-average-precision", "label-average-precision"]);
        verdict.Findings.Single(f => f.Check == "mean-average-precision").Detail.ShouldBe("mean average precision 0.85 >= 0.8");
    }

    [Fact]
    public void Evaluate_OneLabelBelow_FailsNamingTheLabel()
    {
        var verdict = EvaluationGate.Evaluate(Measured(0.85, ("cat", 0.95), ("dog", 0.6)), Policy);

        verdict.Passed.ShouldBeFalse();
        verdict.Reasons.ShouldBe(["average precision of label 'dog' 0.6 is below the minimum 0.7"]);
    }

    [Fact]
    public void Evaluate_MeanAveragePrecisionNotMeasured_FailsAsNotMeasured()
    {
        // A single-label evidence (no labels, NaN mAP) under a multi-label policy must not pass on nothing.
        var verdict = EvaluationGate.Evaluate(Measured(double.NaN), Policy);

        verdict.Passed.ShouldBeFalse();
        verdict.Findings.Single(f => f.Check == "mean-average-precision").Outcome.ShouldBe(CheckOutcome.NotMeasured);
        verdict.Findings.Single(f => f.Check == "label-average-precision").Outcome.ShouldBe(CheckOutcome.NotMeasured);
    }

    [Fact]
    public void Evaluate_NotMeasuredAndWaived_PassesWithTheWaiverRecorded()
    {
        var verdict = EvaluationGate.Evaluate(Measured(double.NaN, ("cat", 0.9)), Policy,
            [new PolicyWaiver("evaluation.mean-average-precision", "tiny pilot split")]);

        verdict.Findings.Single(f => f.Check == "mean-average-precision").Outcome.ShouldBe(CheckOutcome.Waived);
        verdict.Passed.ShouldBeTrue();
    }

    [Fact]
    public void Evaluate_MeanBelow_Fails() =>
        EvaluationGate.Evaluate(Measured(0.5, ("cat", 0.9)), Policy).Findings.Single(f => f.Check == "mean-average-precision").Outcome.ShouldBe(CheckOutcome.Failed);

    [Fact]
    public void Evaluate_MultiLabelModelUnderSingleLabelPolicy_AccuracyCalibrationAndRankingNotMeasuredSoItFails()
    {
        // A policy written for single-label models: a multi-label model has no accuracy or calibration, and no ranking bound is set.
        var verdict = EvaluationGate.Evaluate(Measured(0.9, ("cat", 0.9)) with { MultiLabel = true },
            new EvaluationPolicy(MinAccuracy: 0.5, MinMacroF1: 0.5, MaxCalibrationError: 0.1, MaxParityError: 1e-4));

        verdict.Passed.ShouldBeFalse();
        verdict.Findings.Where(f => f.Outcome == CheckOutcome.NotMeasured).Select(f => f.Check).ShouldBe(["accuracy", "multi-label-ranking", "calibration"]);
        verdict.Findings.Where(f => f.Outcome == CheckOutcome.Passed).Select(f => f.Check).ShouldBe(["finite-outputs", "macro-f1", "onnx-parity"]);
    }

    [Fact]
    public void Evaluate_MultiLabelModelUnderPolicyWithOnlyParity_DoesNotPassOnParityAlone()
    {
        var verdict = EvaluationGate.Evaluate(Measured(0.9, ("cat", 0.9)) with { MultiLabel = true }, new EvaluationPolicy(MaxParityError: 1e-4));

        verdict.Passed.ShouldBeFalse();
        verdict.Reasons.ShouldHaveSingleItem().ShouldContain("evaluation.minMeanAveragePrecision");
    }

    [Fact]
    public void Evaluate_MultiLabelModelWithARankingBound_NeedsNoOtherCheck()
    {
        var verdict = EvaluationGate.Evaluate(Measured(0.9, ("cat", 0.9)) with { MultiLabel = true }, new EvaluationPolicy(MinLabelAveragePrecision: 0.5));

        verdict.Passed.ShouldBeTrue();
        verdict.Findings.Select(f => f.Check).ShouldNotContain("multi-label-ranking");
    }

    [Fact]
    public void Evaluate_SingleLabelModelUnderSingleLabelPolicy_HasNoRankingCheck() =>
        EvaluationGate.Evaluate(Measured(double.NaN) with { Accuracy = 0.9 }, new EvaluationPolicy(MinAccuracy: 0.5))
            .Findings.Select(f => f.Check).ShouldNotContain("multi-label-ranking");
}
