using Orchestrator.Ml.Training;

namespace Orchestrator.Benchmarks.Ml;

/// <summary>Random labelled RGB images for throughput measurements, where content does not matter.</summary>
internal static class SyntheticImages
{
    public static IReadOnlyList<LabeledImage> Generate(int count, int size, int classes = 4)
    {
        var random = new Random(1);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var pixels = new byte[size * size * 3];
            random.NextBytes(pixels);
            return new LabeledImage(size, size, pixels, random.Next(classes));
        }).ToArray();
    }
}
