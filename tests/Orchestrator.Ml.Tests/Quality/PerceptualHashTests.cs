using Orchestrator.Contracts;
using Orchestrator.Ml.Data;
using Orchestrator.Ml.Quality;

namespace Orchestrator.Ml.Tests.Quality;

public sealed class PerceptualHashTests
{
    private static readonly SyntheticShapes Shapes = new(new SyntheticShapesOptions(Seed: 21, Count: 50, Noise: 0.02));

    [Fact]
    public void Hashes_SlightlyAlteredImage_StayClose()
    {
        var original = Shapes.Generate(0).Image;
        var altered = Brighten(original, 12);

        PerceptualHash.Distance(PerceptualHash.DHash(original), PerceptualHash.DHash(altered)).ShouldBeLessThanOrEqualTo(4);
        PerceptualHash.Distance(PerceptualHash.PHash(original), PerceptualHash.PHash(altered)).ShouldBeLessThanOrEqualTo(4);
        Digest.Of(original.Pixels).ToString().ShouldNotBe(Digest.Of(altered.Pixels).ToString());
    }

    [Fact]
    public void Hashes_DifferentImages_AreFarApartOnAverage()
    {
        var hashes = Enumerable.Range(0, 50).Select(i => PerceptualHash.DHash(Shapes.Generate(i).Image)).ToList();

        var distances = hashes.SelectMany((a, i) => hashes.Skip(i + 1).Select(b => PerceptualHash.Distance(a, b))).ToList();

        distances.Average().ShouldBeGreaterThan(20);
    }

    [Fact]
    public void Format_ThenParse_RoundTrips() =>
        PerceptualHash.Parse(PerceptualHash.Format(0x0123456789abcdefUL)).ShouldBe(0x0123456789abcdefUL);

    [Fact]
    public void DHash_LeftToRightGradient_IsAllOnes()
    {
        // Each row darkens to the right, so every left neighbour is brighter: all 64 bits set.
        var pixels = new byte[16 * 16 * 3];
        for (var y = 0; y < 16; y++)
        {
            for (var x = 0; x < 16; x++)
            {
                pixels[(((y * 16) + x) * 3)] = pixels[(((y * 16) + x) * 3) + 1] = pixels[(((y * 16) + x) * 3) + 2] = (byte)(255 - (x * 16));
            }
        }

        PerceptualHash.DHash(new RgbImage(16, 16, pixels)).ShouldBe(ulong.MaxValue);
    }

    private static RgbImage Brighten(RgbImage image, int amount) =>
        new(image.Width, image.Height, [.. image.Pixels.Select(p => (byte)Math.Min(255, p + amount))]);
}
