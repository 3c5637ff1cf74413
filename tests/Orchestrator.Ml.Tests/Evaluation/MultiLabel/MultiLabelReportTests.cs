using System.Text;
using Orchestrator.Ml.Evaluation;
using Orchestrator.Ml.Evaluation.MultiLabel;
using Orchestrator.Ml.Training;

namespace Orchestrator.Ml.Tests.Evaluation.MultiLabel;

public sealed class MultiLabelReportTests
{
    private static EvidenceReport Sample() =>
        Sample(MultiLabelPredictions.FromSets(2, [[0], [0, 1], []], [0.9f, 0.2f, 0.7f, 0.6f, 0.1f, 0.3f]));

    private static EvidenceReport Sample(MultiLabelPredictions tags)
    {
        // Single-label figures are still required by the report's shape; the multi-label section is what is checked here.
        var single = new Predictions(2, [0, 1], [0.9f, 0.1f, 0.2f, 0.8f]);
        LabelThreshold[] thresholds = [new(0, 0.65, 1, ThresholdBasis.MaximisedValidationF1), new(1, 0.5, double.NaN, ThresholdBasis.NoValidationPositives)];
        return new EvidenceReport("tags", "v1", "sha256:abc", "sha256:def", ["cat", "dog"],
            ClassificationMetrics.Compute(single), SliceReport.Compute(single, minCount: 2), [], null, null, 1e-7,
            [new EpochMetrics(1, 0.6, 0.5, 0.6, 0.5, 1e-3, 1)],
            new ModelCardFacts("Tagging pets.", "People.", "Pets v1."),
            MultiLabel: new MultiLabelEvidence(MultiLabelMetrics.Compute(tags, [.. thresholds.Select(t => t.Threshold)]), thresholds));
    }

    [Fact]
    public void Render_MultiLabelModel_ReportAndCardShowPerLabelFiguresAndThresholds()
    {
        var files = Sample().Render();

        foreach (var name in new[] { "report.md", "model-card.md" })
        {
            var text = Encoding.UTF8.GetString(files[name]);
            text.ShouldContain("## Multi-label tagging");
            text.ShouldContain("Mean average precision 1.0000 over 2 of 2 labels");
            text.ShouldContain("| cat | 0.6500 | max validation F1 (1.0000) | 1.0000 | 1.0000 | 1.0000 | 1.0000 | 2 |");
            text.ShouldContain("| dog | 0.5000 | default: no validation positive | 1.0000 | 1.0000 | 1.0000 | 1.0000 | 1 |");
        }
    }

    [Fact]
    public void Render_LabelWithoutTestPositives_AveragePrecisionReadsNotMeasuredAndTheCardSaysSo()
    {
        // "dog" is never present in the test split: its average precision is undefined, so it is no figure (not "n/a", not 0).
        // As the Evaluate activity writes it for a multi-label model: no single-label figures.
        var files = (Sample(MultiLabelPredictions.FromSets(2, [[0], [0], []], [0.9f, 0.2f, 0.7f, 0.1f, 0.1f, 0.3f])) with { Metrics = null }).Render();

        foreach (var name in new[] { "report.md", "model-card.md" })
        {
            var text = Encoding.UTF8.GetString(files[name]);
            text.ShouldContain("Mean average precision 1.0000 over 1 of 2 labels");
            text.Split('\n').ShouldContain(l => l.StartsWith("| dog | 0.5000 |", StringComparison.Ordinal) && l.EndsWith("| not measured | 0 |", StringComparison.Ordinal));
            text.ShouldNotContain("n/a");
        }

        Encoding.UTF8.GetString(files["model-card.md"]).ShouldContain("Label 'dog' has no positive in the test split");
    }

    [Fact]
    public void ToJson_MultiLabelSection_RoundTrips()
    {
        var report = Sample();

        var parsed = EvidenceReport.FromJson(report.ToJson());

        parsed.MultiLabel!.Metrics.MeanAveragePrecision.ShouldBe(report.MultiLabel!.Metrics.MeanAveragePrecision);
        parsed.MultiLabel.Thresholds.Select(t => t.Threshold).ShouldBe([0.65, 0.5]);
        parsed.MultiLabel.Thresholds[1].Basis.ShouldBe(ThresholdBasis.NoValidationPositives);
        parsed.MultiLabel.Metrics.PerLabel.Select(l => l.Support).ShouldBe([2, 1]);
    }
}
