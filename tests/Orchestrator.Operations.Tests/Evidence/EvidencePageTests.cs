using Orchestrator.Ml.Evaluation;
using Orchestrator.Ml.Training;
using Orchestrator.Operations.Evidence;

namespace Orchestrator.Operations.Tests.Evidence;

/// <summary>What the console's run page is given to show from a stored evidence report.</summary>
public sealed class EvidencePageTests
{
    [Fact]
    public void Page_SlicesMeasured_ShowsTheWorstSliceAndItsGap()
    {
        var page = EvidenceReader.Page(Report(minSliceCount: 2), championVersion: null);

        page.WorstSlice.ShouldBe("lighting=night");
        page.WorstSliceGap.ShouldBe(0.125, 1e-12);
    }

    [Fact]
    public void Page_NoSliceLargeEnough_GapIsNotMeasuredRatherThanZero()
    {
        var page = EvidenceReader.Page(Report(minSliceCount: 100), championVersion: null);

        page.Slices.Count.ShouldBe(2); // listed, but each smaller than the minimum a judgement needs
        page.WorstSlice.ShouldBeNull();
        double.IsNaN(page.WorstSliceGap).ShouldBeTrue();
    }

    private static EvidenceReport Report(int minSliceCount)
    {
        var labels = new[] { 0, 0, 1, 1, 2, 2, 0, 1 };
        var predicted = new[] { 0, 0, 1, 0, 2, 2, 0, 1 };
        var probabilities = predicted.SelectMany(p => Enumerable.Range(0, 3).Select(k => k == p ? 0.8f : 0.1f)).ToArray();
        var slices = labels.Select((_, i) => (IReadOnlyDictionary<string, string>?)new Dictionary<string, string> { ["lighting"] = i < 4 ? "night" : "day" }).ToArray();
        var predictions = new Predictions(3, labels, probabilities, slices);
        return new EvidenceReport("shapes", "v2", "sha256:abc", "sha256:def", ["circle", "square", "triangle"],
            ClassificationMetrics.Compute(predictions), SliceReport.Compute(predictions, minCount: minSliceCount),
            [new RobustnessResult("blur-1", 0.5, 0.375)], null, null, 2e-7,
            [new EpochMetrics(1, 1.2, 0.5, 1.1, 0.55, 1e-3, 3)],
            new ModelCardFacts("Sorting synthetic shapes.", "Natural photographs.", "Synthetic shapes v1, 8 test images."));
    }
}
