using Orchestrator.Ml.Evaluation;

namespace Orchestrator.Ml.Tests.Evaluation;

public sealed class SliceAndPerturbationTests
{
    private static readonly float[] ZeroLikely = [0.8f, 0.2f];
    private static readonly float[] OneLikely = [0.2f, 0.8f];

    [Fact]
    public void SliceReport_NightHalfWrong_WorstSliceGapIsQuarter()
    {
        // Four day items all right, four night items half right: overall .75, night .5.
        var labels = new[] { 0, 1, 0, 1, 0, 1, 0, 1 };
        var predicted = new[] { 0, 1, 0, 1, 0, 0, 1, 1 };
        var probabilities = predicted.SelectMany(p => p == 0 ? ZeroLikely : OneLikely).ToArray();
        var slices = Enumerable.Range(0, 8)
            .Select(i => (IReadOnlyDictionary<string, string>?)new Dictionary<string, string> { ["lighting"] = i < 4 ? "day" : "night" })
            .ToArray();

        var report = SliceReport.Compute(new Predictions(2, labels, probabilities, slices), minCount: 4);

        report.Slices.Select(s => (s.Value, s.Count, s.Accuracy)).ShouldBe([("day", 4, 1.0), ("night", 4, 0.5)]);
        report.Worst!.Value.ShouldBe("night");
        report.WorstSliceGap.ShouldBe(0.25, 1e-12);
        SliceReport.Compute(new Predictions(2, labels, probabilities, slices), minCount: 5).Worst.ShouldBeNull();
    }

    [Fact]
    public void Brightness_Half_HalvesEveryChannel()
    {
        var output = new byte[3];

        new BrightnessPerturbation(0.5).Apply(1, 1, [200, 100, 10], output, new Random(0));

        output.ShouldBe(new byte[] { 100, 50, 5 });
    }

    [Fact]
    public void Blur_RadiusOne_AveragesTheNeighbourhood()
    {
        var image = new byte[3 * 3 * 3];
        image[(4 * 3) + 1] = 90; // green centre pixel, everything else black
        var output = new byte[image.Length];

        new BlurPerturbation(1).Apply(3, 3, image, output, new Random(0));

        output[(4 * 3) + 1].ShouldBe((byte)10);
        output[1].ShouldBe((byte)10); // corner: clamped window still holds the centre once
        output[0].ShouldBe((byte)0);
    }

    [Fact]
    public void Noise_SameSeed_SameOutputAndMeanPreserved()
    {
        var image = Enumerable.Repeat((byte)128, 3000).ToArray();
        var a = new byte[image.Length];
        var b = new byte[image.Length];
        var noise = new GaussianNoisePerturbation(20);

        noise.Apply(1000, 1, image, a, new Random(noise.Seed));
        noise.Apply(1000, 1, image, b, new Random(noise.Seed));

        a.ShouldBe(b);
        a.Average(v => (double)v).ShouldBe(128, 2.0);
        a.Select(v => (double)v).Max().ShouldBeGreaterThan(150);
    }
}
