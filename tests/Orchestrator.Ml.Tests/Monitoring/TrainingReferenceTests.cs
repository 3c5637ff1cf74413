using Orchestrator.Ml.Data;
using Orchestrator.Ml.Monitoring;
using Orchestrator.Ml.Serving;

namespace Orchestrator.Ml.Tests.Monitoring;

public sealed class TrainingReferenceTests
{
    private static readonly string[] Classes = ["circle", "square"];

    // Four images: two predicted circle (0.9, 0.7), two square (0.6, 0.8).
    private static readonly float[] Probabilities = [0.9f, 0.1f, 0.7f, 0.3f, 0.4f, 0.6f, 0.2f, 0.8f];

    private static IReadOnlyList<double>[] Means(int count) =>
        [.. Enumerable.Range(0, count).Select(i => (IReadOnlyList<double>)[i / (double)count, 0.5, 1 - (i / (double)count)])];

    [Fact]
    public void Build_KnownProbabilities_CountsClassesAndAveragesSignaturePerPredictedClass()
    {
        var reference = TrainingReference.Build(Means(4), Probabilities, Classes);

        reference.Count.ShouldBe(4);
        reference.ClassCounts.ShouldBe([2, 2]);
        reference.ClassSignature[0][0].ShouldBe(0.8, 1e-6);
        reference.ClassSignature[0][1].ShouldBe(0.2, 1e-6);
        reference.ClassSignature[1][0].ShouldBe(0.3, 1e-6);
        reference.ClassSignature[1][1].ShouldBe(0.7, 1e-6);
        reference.ConfidenceQuantiles.ShouldBe([0.6, 0.7, 0.8, 0.9], tolerance: 1e-6);
        reference.Channels.Count.ShouldBe(3);
        reference.Channels.ShouldAllBe(c => c.Counts.Sum() == 4);
    }

    [Fact]
    public void Build_MismatchedProbabilities_Throws() =>
        Should.Throw<ArgumentException>(() => TrainingReference.Build(Means(3), Probabilities, Classes));

    [Fact]
    public void ToJson_RoundTrip_GivesEqualValuesAndSameBytes()
    {
        var reference = TrainingReference.Build(Means(200), [.. Enumerable.Range(0, 200).SelectMany(i => new[] { i / 200f, 1 - (i / 200f) })], Classes);

        var json = reference.ToJson();
        var parsed = TrainingReference.FromJson(json);

        parsed.ToJson().ShouldBe(json);
        parsed.Channels[2].Edges.ShouldBe(reference.Channels[2].Edges);
        parsed.ClassCounts.ShouldBe(reference.ClassCounts);
        json.Length.ShouldBeLessThan(20_000);
    }

    [Fact]
    public void FromJson_UnknownFormat_Throws()
    {
        var json = TrainingReference.Build(Means(4), Probabilities, Classes) with { Format = 99 };

        Should.Throw<InvalidDataException>(() => TrainingReference.FromJson(json.ToJson()));
    }

    [Fact]
    public void Quantiles_MoreValuesThanMax_KeepsEvenlySpacedOrderStatisticsWithExtremes()
    {
        var quantiles = TrainingReference.Quantiles([.. Enumerable.Range(0, 101).Select(i => (double)(100 - i))], 5);

        quantiles.ShouldBe([0, 25, 50, 75, 100]);
    }

    [Fact]
    public void ChannelMeans_SyntheticImage_MatchesTheServingLogsComputation()
    {
        var image = new SyntheticShapes(new SyntheticShapesOptions(Seed: 5, Count: 1)).Generate(0).Image;

        TrainingReference.ChannelMeans(image.Pixels).ShouldBe(OnnxPredictor.ChannelMeans(image));
    }

    [Fact]
    public void BinnedDistributionOf_SmallSample_UsesAtLeast25ValuesPerBin()
    {
        var distribution = BinnedDistribution.Of([.. Enumerable.Range(0, 100).Select(i => (double)i)]);

        distribution.Edges.ShouldBe([25, 50, 75]);
        distribution.Counts.ShouldBe([25, 25, 25, 25]);
        distribution.PopulationStabilityIndex([.. Enumerable.Range(0, 100).Select(i => (double)i)]).ShouldBe(0, 1e-12);
    }
}
