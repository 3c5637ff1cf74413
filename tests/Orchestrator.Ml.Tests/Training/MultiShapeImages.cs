using Orchestrator.Ml.Training;

namespace Orchestrator.Ml.Tests.Training;

/// <summary>
/// Multi-label images for these tests: each of three shapes (circle, square, cross) appears in its own
/// quarter-free random position with probability 1/2, independently, on a noisy background; the multi-hot
/// target says which are present. About one image in eight shows none.
/// </summary>
internal static class MultiShapeImages
{
    public static readonly string[] Labels = ["circle", "square", "cross"];

    public static LabeledImage[] Generate(int count, int seed, int size = 32)
    {
        var random = new Random(seed);
        var images = new LabeledImage[count];
        for (var n = 0; n < count; n++)
        {
            var targets = Labels.Select(_ => random.NextDouble() < 0.5 ? 1f : 0f).ToArray();
            var background = random.Next(0, 70);
            var pixels = new byte[size * size * 3];
            for (var i = 0; i < pixels.Length; i++)
            {
                pixels[i] = (byte)Math.Clamp(background + random.Next(-10, 11), 0, 255);
            }

            // Three fixed-size cells side by side at a random vertical offset; each shape sits in a random cell.
            var cells = Enumerable.Range(0, 3).OrderBy(_ => random.Next()).ToArray();
            for (var label = 0; label < Labels.Length; label++)
            {
                if (targets[label] > 0)
                {
                    Paint(pixels, size, label, cx: ((cells[label] + 0.5) * size) / 3.0, cy: (size / 2.0) + random.Next(-6, 7), r: (size / 7.0) + random.NextDouble(), random);
                }
            }

            images[n] = new LabeledImage(size, size, pixels, 0, Targets: targets);
        }

        return images;
    }

    private static void Paint(byte[] pixels, int size, int label, double cx, double cy, double r, Random random)
    {
        var colour = new[] { random.Next(170, 256), random.Next(170, 256), random.Next(170, 256) };
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var dx = (x + 0.5 - cx) / r;
                var dy = (y + 0.5 - cy) / r;
                var inside = label switch
                {
                    0 => (dx * dx) + (dy * dy) <= 1,
                    1 => Math.Abs(dx) <= 0.85 && Math.Abs(dy) <= 0.85,
                    _ => (Math.Abs(dx) <= 0.3 && Math.Abs(dy) <= 1) || (Math.Abs(dy) <= 0.3 && Math.Abs(dx) <= 1),
                };
                if (inside)
                {
                    var i = ((y * size) + x) * 3;
                    for (var c = 0; c < 3; c++)
                    {
                        pixels[i + c] = (byte)colour[c];
                    }
                }
            }
        }
    }
}
