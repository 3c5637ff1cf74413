using System.Text;
using System.Text.RegularExpressions;
using Orchestrator.Ml.Evaluation;
using Orchestrator.Ml.Training;

namespace Orchestrator.Ml.Tests.Evaluation;

/// <summary>
/// A model that answers NaN or infinity for an item is counted and scored wrong for it, so every metric and
/// the gate built on them see it; probabilities that are not probabilities at all (raw logits) are refused.
/// </summary>
public sealed class NonFiniteOutputTests
{
    // Labels 0, 0, 1, 1: items 0 and 2 answered right, items 1 and 3 non-finite (NaN, +infinity).
    private static Predictions HalfBroken() => new(2, [0, 0, 1, 1],
    [
        0.8f, 0.2f,
        float.NaN, float.NaN,
        0.3f, 0.7f,
        float.PositiveInfinity, 0f,
    ]);

    [Fact]
    public void Predictions_NonFiniteRows_AreCountedAndPredictNothing()
    {
        var predictions = HalfBroken();

        predictions.NonFiniteCount.ShouldBe(2);
        predictions.Predicted.ShouldBe([0, Predictions.NoPrediction, 1, Predictions.NoPrediction]);
        predictions.IsCorrect(1).ShouldBeFalse();
        predictions.HasFiniteOutput(1).ShouldBeFalse();
        predictions.HasFiniteOutput(2).ShouldBeTrue();
        predictions.Subset([1, 2, 3]).NonFiniteCount.ShouldBe(2);
    }

    [Fact]
    public void Compute_AllOutputsNaN_ScoresZeroNotTheFirstClass()
    {
        // ArgMax over NaN stayed at 0, so a model answering only NaN scored 100% on items of class 0.
        var predictions = new Predictions(2, [0, 0, 0], [.. Enumerable.Repeat(float.NaN, 6)]);

        var metrics = ClassificationMetrics.Compute(predictions);

        metrics.Accuracy.ShouldBe(0);
        metrics.NonFiniteOutputs.ShouldBe(3);
        metrics.TopK[1].ShouldBe(0);
        metrics.TopK[2].ShouldBe(0);
        double.IsNaN(metrics.ExpectedCalibrationError).ShouldBeTrue(); // no confidence to calibrate: never passes a bound
    }

    [Fact]
    public void Compute_SomeOutputsNonFinite_CountsThemAsWrongAndReportsHowMany()
    {
        var metrics = ClassificationMetrics.Compute(HalfBroken());

        metrics.NonFiniteOutputs.ShouldBe(2);
        metrics.Count.ShouldBe(4);
        metrics.Accuracy.ShouldBe(0.5);
        metrics.MicroF1.ShouldBe(0.5);
        metrics.PerClass.Select(c => c.Support).ShouldBe([2, 2]);
        metrics.PerClass.Select(c => c.Recall).ShouldBe([0.5, 0.5]);
        metrics.PerClass.Select(c => c.Precision).ShouldBe([1.0, 1.0]);
        metrics.ConfusionMatrix.Select(r => r.ToArray()).ShouldBe([[1, 0], [0, 1]]); // items without an answer have no column
        metrics.TopK[2].ShouldBe(0.5);

        // ECE over the two answered items: confidences .8 and .7, both right.
        metrics.ExpectedCalibrationError.ShouldBe(((1 - 0.8) + (1 - 0.7)) / 2, 1e-6);
        metrics.Reliability.Sum(b => b.Count).ShouldBe(2);
    }

    [Fact]
    public void Compute_FiniteOutputs_ReportNoNonFinite() =>
        ClassificationMetrics.Compute(new Predictions(2, [0, 1], [0.9f, 0.1f, 0.2f, 0.8f])).NonFiniteOutputs.ShouldBe(0);

    [Fact]
    public void SliceAndChampion_NonFiniteOutputs_CompleteAndScoreThemWrong()
    {
        var slices = Enumerable.Range(0, 4).Select(i => (IReadOnlyDictionary<string, string>?)new Dictionary<string, string> { ["half"] = i < 2 ? "a" : "b" }).ToArray();
        var broken = new Predictions(2, [0, 0, 1, 1], [0.8f, 0.2f, float.NaN, float.NaN, 0.3f, 0.7f, 0.4f, 0.6f], slices);
        var sound = new Predictions(2, [0, 0, 1, 1], [0.8f, 0.2f, 0.6f, 0.4f, 0.3f, 0.7f, 0.4f, 0.6f]);

        var report = SliceReport.Compute(broken, minCount: 2);
        var comparison = ChampionChallengerResult.Compare(sound, broken);

        report.Slices.Select(s => (s.Value, s.Accuracy)).ShouldBe([("a", 0.5), ("b", 1.0)]);
        report.WorstSliceGap.ShouldBe(0.25, 1e-12);
        (comparison.ChampionAccuracy, comparison.ChallengerAccuracy, comparison.OnlyChampionCorrect).ShouldBe((1.0, 0.75, 1));
    }

    [Fact]
    public void Predictions_RawLogits_AreRefused()
    {
        var error = Should.Throw<ArgumentException>(() => new Predictions(2, [0, 1], [2.3f, -1.1f, 0.4f, 0.6f]));

        error.Message.ShouldContain("item 0 has 2.3 for class 0");
        error.Message.ShouldContain("Softmax.Rows");
    }

    [Fact]
    public void Predictions_RowNotSummingToOne_IsRefused() =>
        Should.Throw<ArgumentException>(() => new Predictions(2, [0, 1], [0.5f, 0.5f, 0.6f, 0.6f])).Message.ShouldContain("item 1's probabilities sum to 1.2");

    [Fact]
    public void Predictions_SlicesForOtherItems_AreRefused() =>
        Should.Throw<ArgumentException>(() => new Predictions(2, [0, 1], [0.5f, 0.5f, 0.4f, 0.6f], [null])).Message.ShouldContain("1 slice entries for 2 items");

    [Fact]
    public void Predictions_LabelOutOfRange_NamesTheItem() =>
        Should.Throw<ArgumentException>(() => new Predictions(2, [0, 2], [0.5f, 0.5f, 0.4f, 0.6f])).Message.ShouldContain("item 1 has label 2");

    [Fact]
    public void TopKAccuracy_KBelowOneOrNoItems_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => ClassificationMetrics.TopKAccuracy(HalfBroken(), 0));
        Should.Throw<ArgumentException>(() => ClassificationMetrics.TopKAccuracy(new Predictions(2, [], []), 1));
        Should.Throw<ArgumentException>(() => SliceReport.Compute(new Predictions(2, [], [])));
        Should.Throw<ArgumentException>(() => ChampionChallengerResult.Compare(new Predictions(2, [], []), new Predictions(2, [], [])));
    }

    [Fact]
    public void EvidenceReport_ModelAnsweringNaN_RendersAndSaysSo()
    {
        var predictions = new Predictions(2, [0, 1, 0, 1], [.. Enumerable.Repeat(float.NaN, 8)]);
        var metrics = ClassificationMetrics.Compute(predictions);
        var report = new EvidenceReport("shapes", "v3", "sha256:abc", "sha256:def", ["circle", "square"], metrics, SliceReport.Compute(predictions),
            [new RobustnessResult("blur-1", 0, 0)], null, null, 2e-7, [new EpochMetrics(1, 1.2, 0.5, 1.1, 0.55, 1e-3, 3)],
            new ModelCardFacts("Sorting synthetic shapes.", "Natural photographs.", "Synthetic shapes v1."));

        var files = report.Render();

        Encoding.UTF8.GetString(files["report.md"]).ShouldContain("| non-finite model outputs (NaN or infinity, scored wrong) | 4 of 4 |");
        EvidenceReport.FromJson(files["report.json"]).Metrics!.NonFiniteOutputs.ShouldBe(4);
    }

    [Fact]
    public void EvidenceReport_StoredBeforeTheCountExisted_ReadsAsNoNonFiniteOutputs()
    {
        var predictions = new Predictions(2, [0, 1], [0.9f, 0.1f, 0.2f, 0.8f]);
        var report = new EvidenceReport("shapes", "v1", "sha256:abc", "sha256:def", ["circle", "square"], ClassificationMetrics.Compute(predictions),
            SliceReport.Compute(predictions), [], null, null, 0, [], new ModelCardFacts("a", "b", "c"));
        var json = Encoding.UTF8.GetString(report.ToJson());
        var older = Regex.Replace(json, @",\s*""nonFiniteOutputs"": 0", "");

        older.ShouldNotContain("nonFiniteOutputs");
        EvidenceReport.FromJson(Encoding.UTF8.GetBytes(older)).Metrics!.NonFiniteOutputs.ShouldBe(0);
    }
}
