using Orchestrator.Ml.Evaluation;

namespace Orchestrator.Ml.Tests.Evaluation;

public sealed class ClassificationMetricsTests
{
    // Six items, three classes; predicted = [0,1,1,1,2,0]. Every figure below is worked out by hand in the comments.
    private static Predictions HandCase() => new(3, [0, 0, 1, 1, 2, 2],
    [
        0.70f, 0.20f, 0.10f, // true 0, predicted 0, confidence .70
        0.30f, 0.65f, 0.05f, // true 0, predicted 1, confidence .65
        0.05f, 0.90f, 0.05f, // true 1, predicted 1, confidence .90
        0.20f, 0.50f, 0.30f, // true 1, predicted 1, confidence .50
        0.05f, 0.10f, 0.85f, // true 2, predicted 2, confidence .85
        0.45f, 0.35f, 0.20f, // true 2, predicted 0, confidence .45; true class only third
    ]);

    [Fact]
    public void Compute_HandCase_ConfusionAndAccuracy()
    {
        var m = ClassificationMetrics.Compute(HandCase());

        m.ConfusionMatrix.Select(r => r.ToArray()).ShouldBe([[1, 1, 0], [0, 2, 0], [1, 0, 1]]);
        m.Accuracy.ShouldBe(4.0 / 6, 1e-12);
        m.MicroPrecision.ShouldBe(4.0 / 6, 1e-12);
        m.MicroRecall.ShouldBe(4.0 / 6, 1e-12);
        m.MicroF1.ShouldBe(4.0 / 6, 1e-12);
    }

    [Fact]
    public void Compute_HandCase_PerClassAndMacro()
    {
        var m = ClassificationMetrics.Compute(HandCase());

        // class 0: tp 1 of 2 predicted, 2 true -> P .5 R .5 F1 .5
        // class 1: tp 2 of 3 predicted, 2 true -> P 2/3 R 1 F1 .8
        // class 2: tp 1 of 1 predicted, 2 true -> P 1 R .5 F1 2/3
        m.PerClass.Select(c => c.Precision).ShouldBe([0.5, 2.0 / 3, 1.0], tolerance: 1e-12);
        m.PerClass.Select(c => c.Recall).ShouldBe([0.5, 1.0, 0.5], tolerance: 1e-12);
        m.PerClass.Select(c => c.F1).ShouldBe([0.5, 0.8, 2.0 / 3], tolerance: 1e-12);
        m.PerClass.Select(c => c.Support).ShouldBe([2, 2, 2]);
        m.MacroPrecision.ShouldBe((0.5 + (2.0 / 3) + 1) / 3, 1e-12);
        m.MacroRecall.ShouldBe(2.0 / 3, 1e-12);
        m.MacroF1.ShouldBe((0.5 + 0.8 + (2.0 / 3)) / 3, 1e-12);
    }

    [Fact]
    public void Compute_HandCase_TopK()
    {
        var m = ClassificationMetrics.Compute(HandCase(), topK: [1, 2, 3]);

        m.TopK[1].ShouldBe(4.0 / 6, 1e-12);
        m.TopK[2].ShouldBe(5.0 / 6, 1e-12); // only the last item's true class is third
        m.TopK[3].ShouldBe(1.0);
    }

    [Fact]
    public void Compute_HandCase_ExpectedCalibrationErrorWithFiveBins()
    {
        var m = ClassificationMetrics.Compute(HandCase(), calibrationBins: 5);

        // (.4,.6]: .50 right, .45 wrong -> acc .5, conf .475; (.6,.8]: .70 right, .65 wrong -> acc .5, conf .675;
        // (.8,1]: .90, .85 right -> acc 1, conf .875. ECE = 2/6 (.025 + .175 + .125).
        m.ExpectedCalibrationError.ShouldBe(2.0 / 6 * (0.025 + 0.175 + 0.125), 1e-6);
        m.Reliability.Select(b => b.Count).ShouldBe([0, 0, 2, 2, 2]);
        m.Reliability[4].Accuracy.ShouldBe(1.0);
    }

    [Fact]
    public void Compute_ClassNeverPredicted_HasZeroPrecisionNotNaN()
    {
        var p = new Predictions(2, [0, 1], [0.9f, 0.1f, 0.8f, 0.2f]);

        var m = ClassificationMetrics.Compute(p);

        m.PerClass[1].Precision.ShouldBe(0);
        m.PerClass[1].F1.ShouldBe(0);
        m.MacroF1.ShouldBe((2.0 / 3) / 2, 1e-12);
    }

    [Fact]
    public void Predictions_ProbabilityCountMismatch_Throws() =>
        Should.Throw<ArgumentException>(() => new Predictions(3, [0, 1], [0.5f, 0.5f, 0f]));
}
