using Orchestrator.Workflows.Policies;
using Orchestrator.Workflows.QualityControl;

namespace Orchestrator.Workflows.Tests.QualityControl;

public sealed class QualityGateTests
{
    private static readonly QcPolicy Strict = new(
        MinItems: 1000,
        MaxCorruptFraction: 0.01,
        MinFleissKappa: 0.6,
        MinKrippendorffAlpha: 0.667,
        MinClassAgreement: 0.6,
        MaxDisagreementFraction: 0.2,
        MinGoldAuditLowerBound: 0.9,
        MinGoldAuditReviewed: 50,
        MinClassCount: 100,
        MaxImbalanceRatio: 3,
        MaxExactDuplicateFraction: 0.01,
        MaxNearDuplicateFraction: 0.05,
        MaxLeakingItems: 0,
        MinSliceCount: 50);

    [Fact]
    public void Evaluate_CleanEvidence_PassesWithEveryCheckReported()
    {
        var verdict = QualityGate.Evaluate(Clean(), Strict);

        verdict.Passed.ShouldBeTrue();
        verdict.Reasons.ShouldBeEmpty();
        verdict.Findings.Select(f => f.Check).Distinct().ShouldBe([
            "dataset-size", "corrupt-images", "fleiss-kappa", "krippendorff-alpha", "class-agreement", "disagreement",
            "gold-audit-size", "gold-audit", "class-count", "class-imbalance", "exact-duplicates", "near-duplicates", "split-leakage", "slice-count",
        ]);
    }

    [Fact]
    public void Evaluate_ThresholdChecks_CarryMeasuredValueComparisonAndBound()
    {
        var verdict = QualityGate.Evaluate(Clean(), Strict);

        var items = verdict.Findings.Single(f => f.Check == "dataset-size");
        (items.Outcome, items.Comparison, items.Threshold).ShouldBe((CheckOutcome.Passed, "at least", 1000.0));
        items.Value.ShouldBe(Clean().ItemCount);
        var leakage = verdict.Findings.Single(f => f.Check == "split-leakage");
        (leakage.Comparison, leakage.Threshold).ShouldBe(("at most", 0.0));
    }

    [Fact]
    public void Evaluate_LowAlphaAndOneWeakClass_FailsOnLabelsAndSuggestsReannotation()
    {
        var evidence = Clean() with
        {
            KrippendorffAlpha = 0.55,
            ClassAgreement = new Dictionary<string, double> { ["circle"] = 0.9, ["square"] = 0.41 },
        };

        var verdict = QualityGate.Evaluate(evidence, Strict);

        verdict.Passed.ShouldBeFalse();
        verdict.Reasons.ShouldBe(["Krippendorff's alpha 0.55 is below the minimum 0.667", "agreement on 'square' 0.41 is below the minimum 0.6"]);
        verdict.ReannotationCouldHelp.ShouldBeTrue();
    }

    [Fact]
    public void Evaluate_LeakageAndImbalance_FailOnDataWithoutReannotation()
    {
        var evidence = Clean() with { LeakingItems = 4, ImbalanceRatio = double.PositiveInfinity, KrippendorffAlpha = 0.1 };

        var verdict = QualityGate.Evaluate(evidence, Strict);

        verdict.Reasons.ShouldContain("items leaking across splits 4 is above the maximum 0");
        verdict.Reasons.ShouldContain("class imbalance ratio Infinity is above the maximum 3");
        verdict.ReannotationCouldHelp.ShouldBeFalse();
    }

    [Fact]
    public void Evaluate_ValuesExactlyAtThresholds_Pass()
    {
        var evidence = Clean() with { KrippendorffAlpha = 0.667, ImbalanceRatio = 3, LeakingItems = 0, ItemCount = 1000 };

        QualityGate.Evaluate(evidence, Strict).Passed.ShouldBeTrue();
    }

    [Fact]
    public void Evaluate_UndefinedAgreement_FailsWithTheReason()
    {
        var evidence = Clean() with { FleissKappa = null, KrippendorffAlpha = double.NaN };

        var reasons = QualityGate.Evaluate(evidence, Strict).Reasons;

        reasons.ShouldBe([
            "Fleiss' kappa is undefined (items received different numbers of labels); the policy requires at least 0.6",
            "Krippendorff's alpha is undefined (no pairable labels or a single class); the policy requires at least 0.667",
        ]);
    }

    [Fact]
    public void Evaluate_AuditLowerBoundBelowMinimum_FailsEvenWithHighPointEstimate()
    {
        // 19 of 20 is 95%, but the Wilson interval's lower bound (0.764) is far below 0.9.
        var evidence = Clean() with { GoldAudit = new GoldAuditEvidence(20, 0.95, 0.7639, 0.9911) };

        var reasons = QualityGate.Evaluate(evidence, Strict).Reasons;

        reasons.ShouldBe([
            "reviewed audit items (simulated audit (the source's own labels as reviewer)) 20 is below the minimum 50",
            "simulated audit (the source's own labels as reviewer): gold-audit pass rate 0.95 (95% interval 0.764-0.991), lower bound 0.7639 is below the minimum 0.9",
        ]);
    }

    [Fact]
    public void Evaluate_AuditRequiredButMissing_Fails() =>
        QualityGate.Evaluate(Clean() with { GoldAudit = null }, Strict).Reasons
            .ShouldBe(["gold-set audit required by the policy but not reviewed"]);

    [Fact]
    public void Evaluate_CorruptShareAboveMaximum_Fails()
    {
        var evidence = Clean() with { ItemCount = 1980, CorruptCount = 40 };

        QualityGate.Evaluate(evidence, Strict).Reasons.ShouldBe(["corrupt image share 0.0198 is above the maximum 0.01"]);
    }

    [Fact]
    public void Evaluate_EmptyPolicy_PassesAnythingAndReportsNothing()
    {
        var verdict = QualityGate.Evaluate(Clean() with { LeakingItems = 100, KrippendorffAlpha = -1, GoldAudit = null }, new QcPolicy());

        verdict.Passed.ShouldBeTrue();
        verdict.Findings.ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_SmallSlice_FailsNamingTheSlice()
    {
        var evidence = Clean() with { SliceCounts = new Dictionary<string, int> { ["lighting=day"] = 900, ["lighting=night"] = 12 } };

        QualityGate.Evaluate(evidence, Strict).Reasons.ShouldBe(["items in slice lighting=night 12 is below the minimum 50"]);
    }

    [Fact]
    public void Evaluate_EveryOutcome_PassedFailedNotMeasuredAndWaived()
    {
        var evidence = Clean() with { LeakingItems = 3, KrippendorffAlpha = double.NaN, SliceCounts = new Dictionary<string, int>() };
        PolicyWaiver[] waivers = [new("quality.slice-count", "no subgroup metadata exists for this data")];

        var verdict = QualityGate.Evaluate(evidence, Strict, waivers);

        verdict.Passed.ShouldBeFalse();
        verdict.Findings.Single(f => f.Check == "dataset-size").Outcome.ShouldBe(CheckOutcome.Passed);
        verdict.Findings.Single(f => f.Check == "split-leakage").Outcome.ShouldBe(CheckOutcome.Failed);
        verdict.Findings.Single(f => f.Check == "krippendorff-alpha").Outcome.ShouldBe(CheckOutcome.NotMeasured);
        var slices = verdict.Findings.Single(f => f.Check == "slice-count");
        slices.Outcome.ShouldBe(CheckOutcome.Waived);
        slices.Waiver.ShouldBe("no subgroup metadata exists for this data");
        verdict.Waivers.ShouldBe(["slice-count: no subgroup metadata exists for this data"]);
    }

    [Fact]
    public void Evaluate_SliceThresholdAndNoSlices_IsNotMeasuredAndFails()
    {
        var verdict = QualityGate.Evaluate(Clean() with { SliceCounts = new Dictionary<string, int>() }, Strict);

        verdict.Passed.ShouldBeFalse();
        var finding = verdict.Findings.Single(f => f.Check == "slice-count");
        finding.Outcome.ShouldBe(CheckOutcome.NotMeasured);
        finding.Detail.ShouldContain("no slice metadata");
    }

    [Fact]
    public void Evaluate_UnconvergedConsensus_IsNotMeasuredAndFails()
    {
        var verdict = QualityGate.Evaluate(Clean() with { ConsensusIterations = 200, ConsensusConverged = false }, Strict);

        verdict.Passed.ShouldBeFalse();
        verdict.Findings.Single(f => f.Check == "consensus-convergence").Outcome.ShouldBe(CheckOutcome.NotMeasured);
        verdict.Reasons.ShouldBe(["Dawid-Skene consensus did not converge within 200 iterations: the consensus labels are not measured"]);
        verdict.ReannotationCouldHelp.ShouldBeTrue();
    }

    [Fact]
    public void Evaluate_ConvergedConsensus_PassesAndIsReported()
    {
        var verdict = QualityGate.Evaluate(Clean() with { ConsensusIterations = 41, ConsensusConverged = true }, Strict);

        verdict.Passed.ShouldBeTrue();
        verdict.Findings.Single(f => f.Check == "consensus-convergence").Detail.ShouldBe("Dawid-Skene consensus converged in 41 iterations");
    }

    [Fact]
    public void Evaluate_MissingAuditWaivedByTheQualitySection_PassesAsWaived()
    {
        var verdict = QualityGate.Evaluate(Clean() with { GoldAudit = null }, Strict, [new PolicyWaiver("quality", "audited by hand outside the system")]);

        verdict.Passed.ShouldBeTrue();
        verdict.Findings.Single(f => f.Check == "gold-audit").Outcome.ShouldBe(CheckOutcome.Waived);
    }

    [Fact]
    public void Evaluate_WaiverNeverHidesAFailure()
    {
        var verdict = QualityGate.Evaluate(Clean() with { LeakingItems = 3 }, Strict, [new PolicyWaiver("quality", "waived")]);

        verdict.Passed.ShouldBeFalse();
        verdict.Findings.Single(f => f.Check == "split-leakage").Outcome.ShouldBe(CheckOutcome.Failed);
    }

    [Fact]
    public void Evaluate_SameInputs_SameVerdict()
    {
        var evidence = Clean() with { NearDuplicateFraction = 0.2 };

        QualityGate.Evaluate(evidence, Strict).Findings.ShouldBe(QualityGate.Evaluate(evidence, Strict).Findings);
    }

    private static QcEvidence Clean() => new(
        ItemCount: 2000,
        CorruptCount: 3,
        FleissKappa: 0.82,
        KrippendorffAlpha: 0.83,
        ClassAgreement: new Dictionary<string, double> { ["circle"] = 0.9, ["square"] = 0.85 },
        DisagreementFraction: 0.05,
        GoldAudit: new GoldAuditEvidence(100, 0.98, 0.93, 0.995),
        ClassCounts: new Dictionary<string, int> { ["circle"] = 1100, ["square"] = 900 },
        ImbalanceRatio: 1100 / 900.0,
        ExactDuplicateFraction: 0,
        NearDuplicateFraction: 0.01,
        LeakingItems: 0,
        SliceCounts: new Dictionary<string, int> { ["lighting=day"] = 1400, ["lighting=night"] = 600 });
}

/// <summary>QC of multi-label data (ADR 0042): agreement per label, and single-label agreement checks not measured rather than passed.</summary>
public sealed class MultiLabelQualityGateTests
{
    private static QcEvidence MultiLabel(params (string Label, double Alpha)[] alphas) => new(
        ItemCount: 240, CorruptCount: 0, FleissKappa: null, KrippendorffAlpha: alphas.Length == 0 ? double.NaN : alphas.Average(a => a.Alpha),
        ClassAgreement: new Dictionary<string, double>(), DisagreementFraction: 0.05, GoldAudit: null,
        ClassCounts: new Dictionary<string, int> { ["cat"] = 120, ["dog"] = 110 }, ImbalanceRatio: 1.09, ExactDuplicateFraction: 0, NearDuplicateFraction: 0,
        LeakingItems: 0, SliceCounts: new Dictionary<string, int>(), MultiLabel: true, LabelAlpha: alphas.ToDictionary(a => a.Label, a => a.Alpha));

    [Fact]
    public void Evaluate_EveryLabelAgreesEnough_PassesWithOneFindingPerLabel()
    {
        var verdict = QualityGate.Evaluate(MultiLabel(("cat", 0.9), ("dog", 0.75)), new QcPolicy(MinKrippendorffAlpha: 0.7, MinLabelAlpha: 0.7));

        verdict.Passed.ShouldBeTrue();
        verdict.Findings.Select(f => f.Detail).ShouldBe([
            "mean per-label Krippendorff's alpha 0.825 >= 0.7", "Krippendorff's alpha on label 'cat' 0.9 >= 0.7", "Krippendorff's alpha on label 'dog' 0.75 >= 0.7"]);
    }

    [Fact]
    public void Evaluate_OneLabelBelow_FailsNamingIt() =>
        QualityGate.Evaluate(MultiLabel(("cat", 0.9), ("dog", 0.4)), new QcPolicy(MinLabelAlpha: 0.667)).Reasons
            .ShouldBe(["Krippendorff's alpha on label 'dog' 0.4 is below the minimum 0.667"]);

    [Fact]
    public void Evaluate_NoLabelWithDefinedAgreement_IsNotMeasuredAndFails()
    {
        var verdict = QualityGate.Evaluate(MultiLabel(), new QcPolicy(MinKrippendorffAlpha: 0.5, MinLabelAlpha: 0.5));

        verdict.Passed.ShouldBeFalse();
        verdict.Findings.ShouldAllBe(f => f.Outcome == CheckOutcome.NotMeasured);
    }

    [Fact]
    public void Evaluate_SingleLabelAgreementChecksOnMultiLabelData_AreNotMeasuredSaySoAndFail()
    {
        var verdict = QualityGate.Evaluate(MultiLabel(("cat", 0.9)), new QcPolicy(MinFleissKappa: 0.6, MinClassAgreement: 0.6));

        verdict.Passed.ShouldBeFalse();
        verdict.Findings.Select(f => f.Outcome).ShouldBe([CheckOutcome.NotMeasured, CheckOutcome.NotMeasured]);
        verdict.Findings.ShouldAllBe(f => f.Detail.Contains("quality.minLabelAlpha"));
    }

    [Fact]
    public void Evaluate_LabelAlphaOnSingleLabelData_IsNotMeasured() =>
        QualityGate.Evaluate(MultiLabel() with { MultiLabel = false, LabelAlpha = null }, new QcPolicy(MinLabelAlpha: 0.5))
            .Findings.ShouldHaveSingleItem().Outcome.ShouldBe(CheckOutcome.NotMeasured);
}
