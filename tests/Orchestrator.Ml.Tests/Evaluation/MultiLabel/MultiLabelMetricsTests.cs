using Orchestrator.Ml.Evaluation.MultiLabel;

namespace Orchestrator.Ml.Tests.Evaluation.MultiLabel;

public sealed class MultiLabelMetricsTests
{
    // Five items, three labels; every expected figure is scikit-learn 1.2.1's on the same arrays
    // (precision_recall_fscore_support with zero_division=0, average_precision_score, hamming_loss).
    private static MultiLabelPredictions HandCase() => MultiLabelPredictions.FromSets(3,
        [[0, 2], [1], [0, 1], [], [0, 2]],
        [
            0.9f, 0.2f, 0.6f,
            0.3f, 0.8f, 0.4f,
            0.7f, 0.4f, 0.1f,
            0.8f, 0.1f, 0.55f,
            0.4f, 0.3f, 0.9f,
        ]);

    private static readonly double[] Half = [0.5, 0.5, 0.5];

    [Fact]
    public void Compute_HandCase_PerLabelFiguresMatchScikitLearn()
    {
        var m = MultiLabelMetrics.Compute(HandCase(), Half);

        m.PerLabel.Select(l => l.Precision).ShouldBe([2.0 / 3, 1, 2.0 / 3], 1e-6);
        m.PerLabel.Select(l => l.Recall).ShouldBe([2.0 / 3, 0.5, 1], 1e-6);
        m.PerLabel.Select(l => l.F1).ShouldBe([2.0 / 3, 2.0 / 3, 0.8], 1e-6);
        m.PerLabel.Select(l => l.Support).ShouldBe([3, 2, 2]);
        m.PerLabel.Select(l => l.PredictedCount).ShouldBe([3, 1, 3]);
        m.PerLabel.Select(l => l.AveragePrecision).ShouldBe([0.8055555555555556, 1, 1], 1e-6);
    }

    [Fact]
    public void Compute_HandCase_AveragesMatchScikitLearn()
    {
        var m = MultiLabelMetrics.Compute(HandCase(), Half);

        m.MacroPrecision.ShouldBe(0.7777777777777777, 1e-6);
        m.MacroRecall.ShouldBe(0.7222222222222222, 1e-6);
        m.MacroF1.ShouldBe(0.7111111111111111, 1e-6);
        m.MicroPrecision.ShouldBe(0.7142857142857143, 1e-6);
        m.MicroRecall.ShouldBe(0.7142857142857143, 1e-6);
        m.MicroF1.ShouldBe(0.7142857142857143, 1e-6);
        m.MeanAveragePrecision.ShouldBe(0.9351851851851851, 1e-6);
        m.SubsetAccuracy.ShouldBe(0.4, 1e-12);
        m.HammingLoss.ShouldBe(0.26666666666666666, 1e-12);
        m.LabelsWithoutPositives.ShouldBe(0);
    }

    [Fact]
    public void Compute_ThresholdsMoveTheDecisionsNotTheRanking()
    {
        var strict = MultiLabelMetrics.Compute(HandCase(), [0.85, 0.85, 0.85]);

        strict.PerLabel.Select(l => l.PredictedCount).ShouldBe([1, 0, 1]);
        strict.PerLabel[1].Precision.ShouldBe(0);
        strict.MeanAveragePrecision.ShouldBe(0.9351851851851851, 1e-6);
    }

    [Fact]
    public void Compute_LabelWithoutPositives_LeftOutOfMeanAveragePrecisionAndCounted()
    {
        var p = MultiLabelPredictions.FromSets(2, [[0], []], [0.9f, 0.2f, 0.1f, 0.7f]);

        var m = MultiLabelMetrics.Compute(p, Half[..2]);

        double.IsNaN(m.PerLabel[1].AveragePrecision).ShouldBeTrue();
        m.MeanAveragePrecision.ShouldBe(1, 1e-12);
        m.LabelsWithoutPositives.ShouldBe(1);
    }

    [Fact]
    public void Compute_NoPositiveAnywhere_MeanAveragePrecisionIsUndefined()
    {
        var p = MultiLabelPredictions.FromSets(2, [[], []], [0.9f, 0.2f, 0.1f, 0.7f]);

        double.IsNaN(MultiLabelMetrics.Compute(p, Half[..2]).MeanAveragePrecision).ShouldBeTrue();
    }

    [Fact]
    public void Compute_NonFiniteRow_PredictsNothingAndIsNeverRanked()
    {
        // Item 1 answers NaN: its true label 0 is missed at the threshold and unreachable in the ranking.
        var p = MultiLabelPredictions.FromSets(2, [[0], [0], [1]], [0.9f, 0.1f, float.NaN, 0.2f, 0.1f, 0.8f]);

        var m = MultiLabelMetrics.Compute(p, Half[..2]);

        m.NonFiniteOutputs.ShouldBe(1);
        m.PerLabel[0].Recall.ShouldBe(0.5, 1e-12);
        m.PerLabel[0].AveragePrecision.ShouldBe(0.5, 1e-12);
        m.SubsetAccuracy.ShouldBe(2.0 / 3, 1e-12);
        m.HammingLoss.ShouldBe(2.0 / 6, 1e-12);
    }

    [Fact]
    public void Constructor_RawLogitsOrBadShapes_AreRefusedNamingThePlace()
    {
        Should.Throw<ArgumentException>(() => MultiLabelPredictions.FromSets(2, [[0]], [2.5f, 0.1f]))
            .Message.ShouldContain("item 0 has 2.5 for label 0");
        Should.Throw<ArgumentException>(() => MultiLabelPredictions.FromSets(2, [[2]], [0.5f, 0.1f]))
            .Message.ShouldContain("item 0 has label 2, outside 0..1");
        Should.Throw<ArgumentException>(() => new MultiLabelPredictions(2, [true, false], [0.5f]))
            .Message.ShouldContain("2 truth values and 1 probabilities");
    }

    [Fact]
    public void Compute_BadThresholds_AreRefused()
    {
        Should.Throw<ArgumentException>(() => MultiLabelMetrics.Compute(HandCase(), [0.5, 0.5]))
            .Message.ShouldContain("2 thresholds for 3 labels");
        Should.Throw<ArgumentException>(() => MultiLabelMetrics.Compute(HandCase(), [0.5, 1.5, 0.5]))
            .Message.ShouldContain("threshold of label 1 is 1.5");
        Should.Throw<ArgumentException>(() => MultiLabelMetrics.Compute(HandCase(), [0.5, double.NaN, 0.5]))
            .Message.ShouldContain("NaN at index 1");
    }
}
