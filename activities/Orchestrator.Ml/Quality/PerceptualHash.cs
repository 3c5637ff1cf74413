using System.Globalization;
using Orchestrator.Ml.Data;

namespace Orchestrator.Ml.Quality;

/// <summary>
/// 64-bit perceptual hashes: images that look alike get hashes a few bits apart (Hamming distance),
/// unlike content digests, which change completely with one pixel.
/// dHash: luma shrunk to 9x8, one bit per horizontal neighbour pair (left brighter than right).
/// pHash: luma shrunk to 32x32, 2-D DCT, one bit per low-frequency coefficient above their median.
/// </summary>
public static class PerceptualHash
{
    private static readonly double[,] DctBasis = BuildDctBasis();

    /// <summary>The difference hash; only additions and comparisons, so it is identical on every platform.</summary>
    public static ulong DHash(RgbImage image)
    {
        var small = Shrink(image, 9, 8);
        ulong hash = 0;
        for (var y = 0; y < 8; y++)
        {
            for (var x = 0; x < 8; x++)
            {
                hash = (hash << 1) | (small[(y * 9) + x] > small[(y * 9) + x + 1] ? 1UL : 0UL);
            }
        }

        return hash;
    }

    /// <summary>The DCT hash: more robust than dHash to brightness and contrast changes, slower.</summary>
    public static ulong PHash(RgbImage image)
    {
        var small = Shrink(image, 32, 32);
        var coefficients = new double[64];
        for (var u = 0; u < 8; u++)
        {
            for (var v = 0; v < 8; v++)
            {
                var sum = 0.0;
                for (var y = 0; y < 32; y++)
                {
                    for (var x = 0; x < 32; x++)
                    {
                        sum += small[(y * 32) + x] * DctBasis[v, y] * DctBasis[u, x];
                    }
                }

                coefficients[(v * 8) + u] = sum;
            }
        }

        // The DC term only measures overall brightness: leave it out of the median.
        var median = coefficients.Skip(1).Order().ElementAt(31);
        ulong hash = 0;
        foreach (var c in coefficients)
        {
            hash = (hash << 1) | (c > median ? 1UL : 0UL);
        }

        return hash;
    }

    /// <summary>Number of differing bits.</summary>
    public static int Distance(ulong a, ulong b) => System.Numerics.BitOperations.PopCount(a ^ b);

    /// <summary>16 lower-case hex digits, as stored in manifests.</summary>
    public static string Format(ulong hash) => hash.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Reads <see cref="Format"/>'s output (16 hex digits).</summary>
    public static ulong Parse(string hex) =>
        hex is { Length: 16 } && ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hash)
            ? hash
            : throw new FormatException($"PerceptualHash.Parse: '{hex}' is not a perceptual hash (16 hex digits).");

    /// <summary>Box-filter shrink of the luma to width x height; cells no source pixel falls in take the nearest pixel.</summary>
    private static double[] Shrink(RgbImage image, int width, int height)
    {
        var sums = new double[width * height];
        var counts = new int[width * height];
        for (var y = 0; y < image.Height; y++)
        {
            var cy = y * height / image.Height;
            for (var x = 0; x < image.Width; x++)
            {
                var cell = (cy * width) + (x * width / image.Width);
                sums[cell] += image.Luma(x, y);
                counts[cell]++;
            }
        }

        for (var cell = 0; cell < sums.Length; cell++)
        {
            if (counts[cell] == 0)
            {
                var (cx, cy) = (cell % width, cell / width);
                sums[cell] = image.Luma(((2 * cx) + 1) * image.Width / (2 * width), ((2 * cy) + 1) * image.Height / (2 * height));
                counts[cell] = 1;
            }
        }

        for (var cell = 0; cell < sums.Length; cell++)
        {
            sums[cell] /= counts[cell];
        }

        return sums;
    }

    private static double[,] BuildDctBasis()
    {
        var basis = new double[8, 32];
        for (var k = 0; k < 8; k++)
        {
            for (var n = 0; n < 32; n++)
            {
                basis[k, n] = Math.Cos(Math.PI * ((2 * n) + 1) * k / 64.0);
            }
        }

        return basis;
    }
}
