using System.Text;
using Orchestrator.Ml.Evaluation;
using Orchestrator.Ml.Training;

namespace Orchestrator.Ml.Tests.Evaluation;

public sealed class EvidenceReportTests
{
    private static EvidenceReport Sample()
    {
        var labels = new[] { 0, 0, 1, 1, 2, 2, 0, 1 };
        var predicted = new[] { 0, 0, 1, 0, 2, 2, 0, 1 };
        var probabilities = predicted.SelectMany(p => Enumerable.Range(0, 3).Select(k => k == p ? 0.8f : 0.1f)).ToArray();
        var slices = labels.Select((_, i) => (IReadOnlyDictionary<string, string>?)new Dictionary<string, string> { ["lighting"] = i < 4 ? "night" : "day" }).ToArray();
        var predictions = new Predictions(3, labels, probabilities, slices);
        return new EvidenceReport("shapes", "v2", "sha256:abc", "sha256:def", ["circle", "square", "triangle"],
            ClassificationMetrics.Compute(predictions), SliceReport.Compute(predictions, minCount: 2),
            [new RobustnessResult("blur-1", 0.5, 0.375)], null, null, 2e-7,
            [new EpochMetrics(1, 1.2, 0.5, 1.1, 0.55, 1e-3, 3), new EpochMetrics(2, 0.6, 0.8, 0.7, 0.75, 5e-4, 3)],
            new ModelCardFacts("Sorting synthetic shapes.", "Natural photographs.", "Synthetic shapes v1, 8 test images."));
    }

    [Fact]
    public void Render_AllFiles_PngsAreValidAndMarkdownNamesFailures()
    {
        var files = Sample().Render();

        files.Keys.ShouldBe(["confusion-matrix.png", "model-card.md", "reliability.png", "report.json", "report.md", "training-curves.png"]);
        foreach (var png in files.Where(f => f.Key.EndsWith(".png", StringComparison.Ordinal)))
        {
            png.Value.AsSpan(0, 8).ToArray().ShouldBe(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }, png.Key);
            var decoded = PngTestDecoder.Decode(png.Value);
            decoded.Width.ShouldBeGreaterThan(100, png.Key);
            decoded.Pixels.Distinct().Count().ShouldBeGreaterThan(3, png.Key); // something was drawn
        }

        var card = Encoding.UTF8.GetString(files["model-card.md"]);
        card.ShouldContain("Weaker on lighting=night");
        card.ShouldContain("Sensitive to blur-1");
        card.ShouldContain("Class 'square'");
        Encoding.UTF8.GetString(files["report.md"]).ShouldContain("| accuracy | 0.8750 |");
    }

    [Theory]
    [InlineData("simulated: the data source's own labels reviewed the 20-item gold-set sample (no person reviewed it); pass rate 1 (95% interval 0.839-1).")]
    [InlineData("human: dave reviewed 20 sampled items (ledger entry run-1@7); pass rate 0.9 (95% interval 0.699-0.972).")]
    public void Render_LabelAudit_ReportAndCardSayWhoReviewed(string audit)
    {
        var sample = Sample();
        var files = (sample with { Card = sample.Card with { LabelAudit = audit } }).Render();

        Encoding.UTF8.GetString(files["report.md"]).ShouldContain($"Label audit: {audit}");
        Encoding.UTF8.GetString(files["model-card.md"]).ShouldContain($"Label audit: {audit}");
        EvidenceReport.FromJson(files["report.json"]).Card.LabelAudit.ShouldBe(audit);
    }

    [Fact]
    public void Render_NoLabelAuditRecorded_NoAuditLine()
    {
        var files = Sample().Render();

        Encoding.UTF8.GetString(files["report.md"]).ShouldNotContain("Label audit");
        Encoding.UTF8.GetString(files["model-card.md"]).ShouldNotContain("Label audit");
    }

    [Fact]
    public void Render_NoSliceLargeEnough_ShowsTheGapAsNotMeasuredNotZero()
    {
        var measured = Encoding.UTF8.GetString(Sample().Render()["report.md"]);
        var unmeasured = Encoding.UTF8.GetString((Sample() with { Slices = new SliceReport([], null, 0) }).Render()["report.md"]);

        measured.ShouldContain("| worst-slice gap | 0.1250 (lighting=night) |");
        unmeasured.ShouldContain("| worst-slice gap | not measured (no slice large enough) |");
        unmeasured.ShouldNotContain("| worst-slice gap | 0.0000");
    }

    [Fact]
    public void ToJson_RoundTrips()
    {
        var report = Sample();

        var back = EvidenceReport.FromJson(report.ToJson());

        back.Metrics!.Accuracy.ShouldBe(report.Metrics!.Accuracy);
        back.Metrics.ConfusionMatrix.Select(r => r.ToArray()).ShouldBe(report.Metrics.ConfusionMatrix.Select(r => r.ToArray()));
        back.Slices.Worst!.Value.ShouldBe("night");
        back.TrainingHistory.Count.ShouldBe(2);
    }
}
