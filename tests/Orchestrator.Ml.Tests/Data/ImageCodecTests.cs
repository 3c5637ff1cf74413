using Orchestrator.Contracts;
using Orchestrator.Ml.Data;

namespace Orchestrator.Ml.Tests.Data;

public sealed class ImageCodecTests
{
    private static readonly RgbImage Sample = new SyntheticShapes(new SyntheticShapesOptions(Seed: 3, Count: 1)).Generate(0).Image;

    [Fact]
    public void EncodePng_ThenDecode_ReturnsIdenticalPixels()
    {
        ImageCodec.TryDecode(ImageCodec.EncodePng(Sample), out var decoded, out var error).ShouldBeTrue(error);

        decoded!.Width.ShouldBe(32);
        decoded.Pixels.ShouldBe(Sample.Pixels);
    }

    [Fact]
    public void EncodePng_ImageLargerThanOneStoredBlock_RoundTrips()
    {
        // 200 x 200 RGB is 120,200 bytes of scanlines: two stored deflate blocks.
        var pixels = new byte[200 * 200 * 3];
        var random = new DeterministicRandom(5);
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)random.NextInt(256);
        }

        ImageCodec.TryDecode(ImageCodec.EncodePng(new RgbImage(200, 200, pixels)), out var decoded, out var error).ShouldBeTrue(error);

        decoded!.Pixels.ShouldBe(pixels);
    }

    [Fact]
    public void EncodePng_32x32_IsSignatureChunksAndStoredScanlines()
    {
        var png = ImageCodec.EncodePng(Sample);

        png.Length.ShouldBe(8 + 25 + 12 + 2 + 5 + (32 * 97) + 4 + 12);
        png[12..16].ShouldBe("IHDR"u8.ToArray());
        png[^8..^4].ShouldBe("IEND"u8.ToArray());
    }

    [Fact]
    public void EncodePng_SamePixels_GivesSameBytes() =>
        Digest.Of(ImageCodec.EncodePng(Sample)).ToString().ShouldBe(Digest.Of(ImageCodec.EncodePng(Sample)).ToString());

    [Fact]
    public void EncodeJpeg_ThenDecode_IsCloseToOriginal()
    {
        ImageCodec.TryDecode(ImageCodec.EncodeJpeg(Sample, quality: 95), out var decoded, out _).ShouldBeTrue();

        var meanAbsoluteError = decoded!.Pixels.Zip(Sample.Pixels, (a, b) => Math.Abs(a - b)).Average();
        meanAbsoluteError.ShouldBeLessThan(12);
    }

    [Fact]
    public void TryDecode_Empty_ReportsEmptyFile()
    {
        ImageCodec.TryDecode([], out var image, out var error).ShouldBeFalse();

        image.ShouldBeNull();
        error.ShouldBe("empty file");
    }

    [Fact]
    public void TryDecode_Text_ReportsUnknownSignature()
    {
        ImageCodec.TryDecode("hello, not an image"u8.ToArray(), out _, out var error).ShouldBeFalse();

        error!.ShouldContain("not a PNG or JPEG");
    }

    [Fact]
    public void TryDecode_TruncatedPng_ReportsUndecodableWithoutThrowing()
    {
        var png = ImageCodec.EncodePng(Sample);

        ImageCodec.TryDecode(png[..(png.Length / 2)], out _, out var error).ShouldBeFalse();

        error!.ShouldStartWith("undecodable");
    }

    [Fact]
    public void TryDecode_PngSignatureWithGarbage_RefusedForItsHeader()
    {
        byte[] garbage = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4, 5, 6, 7, 8, 9];

        ImageCodec.TryDecode(garbage, out _, out var error).ShouldBeFalse();

        error!.ShouldBe("PNG without an IHDR header chunk first");
    }
}
