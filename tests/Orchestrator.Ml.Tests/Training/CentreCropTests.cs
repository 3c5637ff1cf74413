using Orchestrator.Ml.Models;
using Orchestrator.Ml.Training;

namespace Orchestrator.Ml.Tests.Training;

public sealed class CentreCropTests
{
    // Identity statistics, so outputs are the [0,1] intensities themselves.
    private static readonly Preprocessing Plain = new(32, [0f, 0f, 0f], [1f, 1f, 1f]);

    [Fact]
    public void Write_ShorterSideAlreadyAtSize_CropsTheCentreWithoutResampling()
    {
        // 80x40: the shorter side is already 40, so the crop is the 32x32 window at (24, 4).
        var preprocessor = new ImagePreprocessor(Plain with { ResizeShorterSide = 40 });
        var (image, destination) = (Gradient(80, 40), new float[preprocessor.ValuesPerImage]);

        preprocessor.Write(80, 40, image, destination, AugmentationOptions.None, null);

        for (var x = 0; x < 32; x++)
        {
            destination[x].ShouldBe((x + 24) / 255f, 1e-6, $"column {x}");
            destination[(32 * 32) + (31 * 32) + x].ShouldBe((31 + 4) * 2 / 255f, 1e-6, "green is 2 x row");
        }
    }

    [Fact]
    public void Write_DownscaleThenCrop_SamplesHalfPixelCentres()
    {
        // 160x80 to shorter side 40 halves both axes (80x40); the crop starts at resized column 24, row 4, so
        // output column x samples source column (x + 24 + 0.5) * 2 - 0.5 = 2x + 48.5: the mean of 2x+48 and 2x+49.
        var preprocessor = new ImagePreprocessor(Plain with { ResizeShorterSide = 40 });
        var destination = new float[preprocessor.ValuesPerImage];

        preprocessor.Write(160, 80, Gradient(160, 80), destination, AugmentationOptions.None, null);

        for (var x = 0; x < 32; x++)
        {
            destination[x].ShouldBe(((2 * x) + 48.5f) / 255f, 1e-5, $"column {x}");
        }

        destination[32 * 32].ShouldBe(((2 * 4) + 0.5f) * 2 / 255f, 1e-5, "row 0 samples source row 8.5");
    }

    [Fact]
    public void Write_PortraitImage_CropsVertically()
    {
        // 40x100: shorter side (width) stays 40, height int(40*100/40) = 100, crop top round((100-32)/2) = 34.
        var preprocessor = new ImagePreprocessor(Plain with { ResizeShorterSide = 40 });
        var destination = new float[preprocessor.ValuesPerImage];

        preprocessor.Write(40, 100, Gradient(40, 100), destination, AugmentationOptions.None, null);

        destination[32 * 32].ShouldBe(34 * 2 / 255f, 1e-6);
        destination[0].ShouldBe(4 / 255f, 1e-6);
    }

    [Fact]
    public void Write_SquareImageAtCropSize_IsStillResizedThenCropped()
    {
        // A 32x32 image with ResizeShorterSide 36 is upscaled then cropped: not the raw pixels.
        var preprocessor = new ImagePreprocessor(Plain with { ResizeShorterSide = 36 });
        var destination = new float[preprocessor.ValuesPerImage];

        preprocessor.Write(32, 32, Gradient(32, 32), destination, AugmentationOptions.None, null);

        // Resized column u samples (u + 0.5) * 32/36 - 0.5; the crop starts at u = 2.
        destination[0].ShouldBe((((2 + 0.5f) * 32 / 36) - 0.5f) / 255f, 1e-5);
    }

    [Fact]
    public void Constructor_CropLargerThanResize_Throws()
    {
        Should.Throw<ArgumentException>(() => new ImagePreprocessor(Plain with { ResizeShorterSide = 20 }));
    }

    [Fact]
    public void Metadata_ResizeAndCrop_RoundTripAndOldModelsResizeStraight()
    {
        var preset = Preprocessing.TorchvisionImageNet();

        var metadata = preset.ToMetadata();
        var back = Preprocessing.FromMetadata(metadata);

        preset.ResizeShorterSide.ShouldBe(256);
        preset.InputSize.ShouldBe(224);
        metadata["preprocessing.resize_shorter_side"].ShouldBe("256");
        metadata["preprocessing.crop"].ShouldBe("center");
        back.ResizeShorterSide.ShouldBe(256);
        back.Mean.ShouldBe([0.485f, 0.456f, 0.406f]);
        Preprocessing.FromMetadata(Preprocessing.Centered(32).ToMetadata()).ResizeShorterSide.ShouldBe(0);
        Preprocessing.Centered(32).ToMetadata().ContainsKey("preprocessing.crop").ShouldBeFalse();
    }

    // Red = column, green = 2 x row, blue = 0: linear, so bilinear sampling gives exact expectations.
    private static byte[] Gradient(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                pixels[((y * width) + x) * 3] = (byte)x;
                pixels[(((y * width) + x) * 3) + 1] = (byte)(2 * y);
            }
        }

        return pixels;
    }
}
