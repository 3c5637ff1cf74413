using Orchestrator.Ml.Evaluation;
using Orchestrator.Ml.Evaluation.MultiLabel;
using Orchestrator.Ml.Training;
using Orchestrator.Operations.Evidence;
using Orchestrator.Workflows.Evaluate;
using Orchestrator.Workflows.Policies;

namespace Orchestrator.Operations.Tests.Evidence;

/// <summary>What the gate and the ledger get from a multi-label report (ADR 0042): its own figures, and single-label ones not measured.</summary>
public sealed class MultiLabelEvaluationFactsTests
{
    private static EvidenceReport Report()
    {
        var predictions = MultiLabelPredictions.FromSets(2, [[0], [0, 1], [], [1]], [0.9f, 0.2f, 0.8f, 0.7f, 0.1f, 0.3f, 0.4f, 0.6f]);
        LabelThreshold[] thresholds = [new(0, 0.5, 1, ThresholdBasis.MaximisedValidationF1), new(1, 0.5, 1, ThresholdBasis.MaximisedValidationF1)];
        return new EvidenceReport("tags", "v2", "sha256:abc", "sha256:def", ["cat", "dog"], null, new SliceReport([], null, double.NaN), [], null, "v1", 1e-7,
            [new EpochMetrics(1, 0.6, 0.5, 0.6, 0.5, 1e-3, 1)], new ModelCardFacts("Tagging pets.", "People.", "Pets v1."),
            MultiLabel: new MultiLabelEvidence(MultiLabelMetrics.Compute(predictions, [0.5, 0.5]), thresholds));
    }

    [Fact]
    public void Evidence_MultiLabelReport_CarriesRankingFiguresAndNoSingleLabelOnes()
    {
        var evidence = EvaluationFacts.Evidence(Report(), championVersion: 1);

        evidence.MultiLabel.ShouldBeTrue();
        evidence.MeanAveragePrecision.ShouldBe(1);
        evidence.LabelAveragePrecision!.Keys.ShouldBe(["cat", "dog"]);
        double.IsNaN(evidence.Accuracy).ShouldBeTrue();
        double.IsNaN(evidence.ExpectedCalibrationError).ShouldBeTrue();
        evidence.RobustnessDrop.ShouldBeEmpty();
        evidence.ClassRecall["dog"].ShouldBe(1);
    }

    [Fact]
    public void Evidence_MultiLabelWithAProductionVersion_ChampionChecksAreNotMeasured()
    {
        var verdict = EvaluationGate.Evaluate(EvaluationFacts.Evidence(Report(), championVersion: 1),
            new EvaluationPolicy(MinMeanAveragePrecision: 0.5, ForbidSignificantRegression: true));

        verdict.Passed.ShouldBeFalse();
        verdict.Findings.Single(f => f.Check == "champion-regression").Outcome.ShouldBe(CheckOutcome.NotMeasured);
    }

    [Fact]
    public void Event_MultiLabelReport_RecordsMapAndEachLabelsThresholdWithoutAccuracy()
    {
        var report = Report();
        var verdict = EvaluationGate.Evaluate(EvaluationFacts.Evidence(report, null), new EvaluationPolicy(MinMeanAveragePrecision: 0.5));

        var evaluated = EvaluationFacts.Event(2, report, null, verdict, "p/v1");

        evaluated.Metrics["mean-average-precision"].ShouldBe(1);
        evaluated.Metrics.Keys.ShouldNotContain("accuracy");
        evaluated.PerClass["dog"]["threshold"].ShouldBe(0.5);
        evaluated.PerClass["dog"]["average-precision"].ShouldBe(1);
        evaluated.Champion.ShouldBeNull();
    }
}
