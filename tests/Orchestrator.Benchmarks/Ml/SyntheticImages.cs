using Orchestrator.Ml.Training;

namespace Orchestrator.Benchmarks.Ml;

/// <summary>Random labelled RGB images for throughput measurements, where content does not matter.</summary>
internal static class SyntheticImages
{
    public static IReadOnlyList<LabeledImage> Generate(int count, int size, int classes = 4) => Generate(count, size, size, classes);

    /// <summary><paramref name="count"/> images of <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static IReadOnlyList<LabeledImage> Generate(int count, int width, int height, int classes, int seed = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var pixels = new byte[width * height * 3];
            random.NextBytes(pixels);
            return new LabeledImage(width, height, pixels, random.Next(classes));
        }).ToArray();
    }
}
