using Orchestrator.Ml.Data;

namespace Orchestrator.Ml.Tests.Data;

public sealed class ImageHeaderTests
{
    private static readonly RgbImage Sample = new(40, 24, new byte[40 * 24 * 3]);

    [Fact]
    public void TryRead_EncodedPngAndJpeg_GiveFormatAndSize()
    {
        ImageHeader.TryRead(ImageCodec.EncodePng(Sample), out var png, out var pngError).ShouldBeTrue(pngError);
        ImageHeader.TryRead(ImageCodec.EncodeJpeg(Sample), out var jpeg, out var jpegError).ShouldBeTrue(jpegError);

        png.ShouldBe(new ImageHeader("png", 40, 24));
        jpeg.ShouldBe(new ImageHeader("jpeg", 40, 24));
    }

    [Fact]
    public void TryRead_HeadersDeclaringHugeImages_ReportWhatTheyDeclare()
    {
        ImageHeader.TryRead(HostileImages.Png(16384, 16384), out var png, out _).ShouldBeTrue();
        ImageHeader.TryRead(HostileImages.BaselineJpeg(16384, 16384), out var baseline, out _).ShouldBeTrue();
        ImageHeader.TryRead(HostileImages.ProgressiveJpeg(65000, 30000), out var progressive, out _).ShouldBeTrue();

        (png.Pixels, baseline.Pixels, progressive.Pixels).ShouldBe((16384L * 16384, 16384L * 16384, 65000L * 30000));
    }

    [Theory]
    [InlineData(new byte[0], "empty file")]
    [InlineData(new byte[] { 1, 2, 3 }, "unknown signature")]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 }, "IHDR")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xDA, 0, 2 }, "before its first scan")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0x7F, 0xFF, 0 }, "truncated")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 2, 0x12, 0x34 }, "not a marker")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0, 0, 0, 16, 1, 1, 0x11, 0 }, "impossible size")]
    public void TryRead_NoUsableHeader_FailsWithAReasonThatQuotesNothing(byte[] content, string reason)
    {
        ImageHeader.TryRead(content, out _, out var error).ShouldBeFalse();

        error.ShouldNotBeNull().ShouldContain(reason);
    }

    [Fact]
    public void TryDecode_ImagesDeclaringMoreThanTheLimits_RefusedFromTheHeaderWithoutDecoding()
    {
        var limits = new ImageLimits(4096, 4096L * 4096);
        byte[][] hostile = [HostileImages.Png(16384, 16384), HostileImages.BaselineJpeg(16384, 16384), HostileImages.ProgressiveJpeg(16384, 16384),
            HostileImages.Png(4096, 8192), HostileImages.BaselineJpeg(5000, 100)];
        var before = GC.GetAllocatedBytesForCurrentThread();

        var errors = hostile.Select(content => ImageCodec.TryDecode(content, limits, out _, out var error) ? null : error).ToList();

        errors.ShouldAllBe(e => e != null && e.Contains("above"));
        // The decoder never ran: it would allocate the declared pixels (805 MB for 16384 x 16384 RGB).
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBeLessThan(1024 * 1024);
    }

    [Fact]
    public void TryDecode_PixelCountAboveTheLimitWithinTheSideLimit_Refused()
    {
        var limits = new ImageLimits(8192, 1000L * 1000);

        ImageCodec.TryDecode(HostileImages.Png(2000, 2000), limits, out _, out var error).ShouldBeFalse();

        error.ShouldNotBeNull().ShouldContain("= 4000000 pixels, above the limit of 1000000");
    }

    [Fact]
    public void TryDecode_PngWhoseDataInflatesFarBeyondItsHeader_RefusedWithoutHoldingTheInflatedBytes()
    {
        var bomb = HostileImages.PngDeflateBomb(64 * 1024 * 1024);
        var before = GC.GetAllocatedBytesForCurrentThread();

        ImageCodec.TryDecode(bomb, out _, out var error).ShouldBeFalse();

        bomb.Length.ShouldBeLessThan(128 * 1024);
        error.ShouldNotBeNull().ShouldContain("inflates beyond");
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBeLessThan(4 * 1024 * 1024);
    }

    [Fact]
    public void TryDecode_DefaultLimits_AcceptLargePhotographsAndRefuseTheIssuesBomb()
    {
        ImageLimits.Default.Check(new ImageHeader("jpeg", 6000, 4000)).ShouldBeNull();
        ImageLimits.Default.Check(new ImageHeader("jpeg", 16384, 16384)).ShouldNotBeNull();
        ImageCodec.TryDecode(HostileImages.BaselineJpeg(16384, 16384), out _, out var error).ShouldBeFalse();
        error.ShouldNotBeNull().ShouldContain("above the largest accepted side of 8192");
    }
}
