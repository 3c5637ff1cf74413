using System.Globalization;
using System.Text;
using Orchestrator.Ml.Data;

namespace Orchestrator.Testing.Models;

/// <summary>
/// A multi-label image folder for run-level tests: PNG images in which each of three shapes (circle, square, cross) appears
/// independently with probability 1/2, each in its own third of the image on a dark noisy background, and a label file naming
/// each image's shapes ("labels.csv": path,labels with '|' between labels, empty for none). Seeded, so the same call writes the same bytes.
/// </summary>
public static class MultiLabelFolder
{
    /// <summary>The label vocabulary, in the order the dataset's classes sort to.</summary>
    public static readonly string[] Labels = ["circle", "cross", "square"];

    /// <summary>The label file's name inside the folder.</summary>
    public const string LabelFile = "labels.csv";

    /// <summary>Writes <paramref name="count"/> images under <paramref name="directory"/>/img and the label file; returns each image's labels by relative path.</summary>
    public static IReadOnlyDictionary<string, string[]> Write(string directory, int count, int seed, int size = 32)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var random = new Random(seed);
        var labels = new SortedDictionary<string, string[]>(StringComparer.Ordinal);
        Directory.CreateDirectory(Path.Combine(directory, "img"));
        var csv = new StringBuilder("path,labels\n");
        for (var n = 0; n < count; n++)
        {
            var present = Labels.Where(_ => random.NextDouble() < 0.5).ToArray();
            var path = string.Create(CultureInfo.InvariantCulture, $"img/{n:D4}.png");
            File.WriteAllBytes(Path.Combine(directory, path), ImageCodec.EncodePng(Draw(present, size, random)));
            labels[path] = present;
            csv.Append(CultureInfo.InvariantCulture, $"{path},{string.Join('|', present)}\n");
        }

        File.WriteAllText(Path.Combine(directory, LabelFile), csv.ToString());
        return labels;
    }

    /// <summary>One image showing exactly <paramref name="present"/> (any of <see cref="Labels"/>).</summary>
    public static RgbImage Draw(IReadOnlyCollection<string> present, int size, Random random)
    {
        ArgumentNullException.ThrowIfNull(present);
        ArgumentNullException.ThrowIfNull(random);
        var pixels = new byte[size * size * 3];
        var background = random.Next(0, 60);
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)Math.Clamp(background + random.Next(-10, 11), 0, 255);
        }

        for (var cell = 0; cell < Labels.Length; cell++)
        {
            if (present.Contains(Labels[cell]))
            {
                Paint(pixels, size, cell, cx: (cell + 0.5) * size / 3.0, cy: (size / 2.0) + random.Next(-4, 5), r: size / 7.0, brightness: random.Next(180, 256));
            }
        }

        return new RgbImage(size, size, pixels);
    }

    private static void Paint(byte[] pixels, int size, int shape, double cx, double cy, double r, int brightness)
    {
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var dx = (x + 0.5 - cx) / r;
                var dy = (y + 0.5 - cy) / r;
                var inside = shape switch
                {
                    0 => (dx * dx) + (dy * dy) <= 1,
                    1 => (Math.Abs(dx) <= 0.3 && Math.Abs(dy) <= 1) || (Math.Abs(dy) <= 0.3 && Math.Abs(dx) <= 1),
                    _ => Math.Abs(dx) <= 0.85 && Math.Abs(dy) <= 0.85,
                };
                if (inside)
                {
                    var i = ((y * size) + x) * 3;
                    pixels[i] = (byte)brightness;
                    pixels[i + 1] = (byte)(shape == 0 ? brightness : 40);
                    pixels[i + 2] = (byte)(shape == 2 ? brightness : 40);
                }
            }
        }
    }
}
