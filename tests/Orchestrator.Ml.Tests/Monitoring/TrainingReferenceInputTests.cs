using System.Text;
using Orchestrator.Ml.Monitoring;

namespace Orchestrator.Ml.Tests.Monitoring;

/// <summary>A reference is built only from valid probabilities; a model's non-finite rows are left out, anything else malformed is refused.</summary>
public sealed class TrainingReferenceInputTests
{
    private static readonly string[] Classes = ["circle", "square"];

    private static IReadOnlyList<double>[] Means(int count) =>
        [.. Enumerable.Range(0, count).Select(i => (IReadOnlyList<double>)[i / (double)count, 0.5, 1 - (i / (double)count)])];

    [Fact]
    public void Build_NaNRowFromTheModel_IsLeftOutAndNotBinnedAsAConfidence()
    {
        float[] probabilities = [0.9f, 0.1f, float.NaN, float.NaN, 0.4f, 0.6f, 0.2f, 0.8f];

        var reference = TrainingReference.Build(Means(4), probabilities, Classes);

        reference.Count.ShouldBe(3);
        reference.ClassCounts.ShouldBe([1, 2]);
        reference.ConfidenceQuantiles.ShouldBe([0.6, 0.8, 0.9], tolerance: 1e-6);
        reference.Confidence.Counts.Sum().ShouldBe(3);
        reference.Channels.ShouldAllBe(c => c.Counts.Sum() == 3);
    }

    [Fact]
    public void Build_NoRowWithFiniteOutputs_SaysSo()
    {
        float[] probabilities = [float.NaN, float.NaN, float.PositiveInfinity, 0];

        var error = Should.Throw<ArgumentException>(() => TrainingReference.Build(Means(2), probabilities, Classes));

        error.Message.ShouldContain("all 2 images have non-finite model outputs");
    }

    [Fact]
    public void Build_RawLogits_AreRefused() =>
        Should.Throw<ArgumentException>(() => TrainingReference.Build(Means(2), [2.5f, -1f, 0.3f, 0.2f], Classes)).Message.ShouldContain("logits");

    [Fact]
    public void Build_DuplicateOrNullClassName_IsRefused()
    {
        Should.Throw<ArgumentException>(() => TrainingReference.Build(Means(1), [0.5f, 0.5f], ["circle", "circle"])).Message.ShouldContain("'circle' twice");
        Should.Throw<ArgumentException>(() => TrainingReference.Build(Means(1), [0.5f, 0.5f], ["circle", null!])).Message.ShouldContain("class 1");
    }

    [Fact]
    public void Build_NonFiniteChannelMean_IsRefused() =>
        Should.Throw<ArgumentException>(() => TrainingReference.Build([[0.1, double.NaN, 0.2]], [0.5f, 0.5f], Classes)).Message.ShouldContain("image 0");

    [Fact]
    public void Quantiles_NaN_IsRefused() =>
        Should.Throw<ArgumentException>(() => TrainingReference.Quantiles([0.1, double.NaN], 2)).Message.ShouldContain("NaN at index 1");

    [Fact]
    public void ChannelMeans_PartialPixel_IsRefused()
    {
        Should.Throw<ArgumentException>(() => TrainingReference.ChannelMeans(new byte[7])).Message.ShouldContain("7 bytes");
        Should.Throw<ArgumentException>(() => TrainingReference.ChannelMeans([]));
    }

    [Theory]
    [InlineData("\"counts\":[0,200]", "\"counts\":[200]")]
    [InlineData("\"counts\":[0,200]", "\"counts\":[-1,201]")]
    [InlineData("\"edges\":[0.125,0.25,", "\"edges\":[0.25,0.125,")]
    [InlineData("\"classCounts\":[100,100]", "\"classCounts\":[100]")]
    [InlineData("\"count\":200", "\"count\":0")]
    public void FromJson_MalformedReference_IsRefused(string part, string replacement)
    {
        var json = Encoding.UTF8.GetString(TrainingReference.Build(Means(200), [.. Enumerable.Range(0, 200).SelectMany(i => new[] { i % 2 == 0 ? 0.7f : 0.3f, i % 2 == 0 ? 0.3f : 0.7f })], Classes).ToJson());
        json.ShouldContain(part);

        var error = Should.Throw<InvalidDataException>(() => TrainingReference.FromJson(Encoding.UTF8.GetBytes(json.Replace(part, replacement, StringComparison.Ordinal))));

        error.Message.ShouldStartWith("Training reference");
    }
}
