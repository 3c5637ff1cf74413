using Orchestrator.Ml.Training;

namespace Orchestrator.Ml.Tests.Training;

/// <summary>
/// A small labelled-shapes generator for these tests (circle, square, triangle, cross on a noisy
/// background, random colour, size and position), independent of the Data/ generator.
/// </summary>
internal static class ShapeImages
{
    public static readonly string[] Classes = ["circle", "square", "triangle", "cross"];

    public static LabeledImage[] Generate(int count, int seed, int size = 32)
    {
        var random = new Random(seed);
        var images = new LabeledImage[count];
        for (var i = 0; i < count; i++)
        {
            var label = random.Next(Classes.Length);
            var night = random.NextDouble() < 0.3;
            images[i] = new LabeledImage(size, size, Draw(label, night, size, random), label,
                new Dictionary<string, string> { ["lighting"] = night ? "night" : "day" });
        }

        return images;
    }

    private static byte[] Draw(int label, bool night, int size, Random random)
    {
        var pixels = new byte[size * size * 3];
        var scale = night ? 0.45 : 1.0;
        // Random colours, but always a clear luminance contrast (dark on light or light on dark).
        var dark = new[] { random.Next(0, 90), random.Next(0, 90), random.Next(0, 90) };
        var light = new[] { random.Next(165, 256), random.Next(165, 256), random.Next(165, 256) };
        var (background, colour) = random.Next(2) == 0 ? (dark, light) : (light, dark);
        var r = (size * (0.22 + (0.12 * random.NextDouble()))) * 0.5 * 2;
        var cx = (size / 2.0) + random.Next(-size / 8, (size / 8) + 1);
        var cy = (size / 2.0) + random.Next(-size / 8, (size / 8) + 1);
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var dx = (x + 0.5 - cx) / r;
                var dy = (y + 0.5 - cy) / r;
                var inside = label switch
                {
                    0 => (dx * dx) + (dy * dy) <= 1,
                    1 => Math.Abs(dx) <= 0.8 && Math.Abs(dy) <= 0.8,
                    2 => dy <= 0.8 && dy >= -1 && Math.Abs(dx) <= (dy + 1) / 1.8 * 0.9,
                    _ => (Math.Abs(dx) <= 0.25 && Math.Abs(dy) <= 1) || (Math.Abs(dy) <= 0.25 && Math.Abs(dx) <= 1),
                };
                var i = ((y * size) + x) * 3;
                for (var c = 0; c < 3; c++)
                {
                    var v = (inside ? colour[c] : background[c]) + random.Next(-12, 13);
                    pixels[i + c] = (byte)Math.Clamp(v * scale, 0, 255);
                }
            }
        }

        return pixels;
    }
}
