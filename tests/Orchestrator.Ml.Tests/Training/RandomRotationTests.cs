using Orchestrator.Ml.Models;
using Orchestrator.Ml.Training;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Tests.Training;

/// <summary>
/// Random rotation (the policy's training.augmentation.rotation): a quarter turn is an exact transpose and flip on both the CPU
/// path and the device path, the angles are drawn within the range and only from the seed, and a recipe without rotation draws
/// what it drew before rotation existed.
/// </summary>
public sealed class RandomRotationTests
{
    private const int Size = 8;
    private static readonly Preprocessing Normalisation = Preprocessing.ImageNet(Size);
    private static readonly AugmentationDraw QuarterTurn = AugmentationDraw.Identity with { Rotation = 90 };

    // Every pixel different, so a wrong source pixel cannot go unnoticed.
    private static LabeledImage Gradient() =>
        new(Size, Size, Enumerable.Range(0, Size * Size * 3).Select(i => (byte)((i * 7) % 251)).ToArray(), 0);

    // Counter-clockwise quarter turn: out[y][x] = in[x][Size - 1 - y] (numpy's rot90), i.e. the transposed image flipped upside down.
    private static LabeledImage RotatedByHand(LabeledImage image)
    {
        var source = image.Pixels.Span;
        var pixels = new byte[source.Length];
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    pixels[(((y * Size) + x) * 3) + c] = source[(((x * Size) + (Size - 1 - y)) * 3) + c];
                }
            }
        }

        return new LabeledImage(Size, Size, pixels, image.Label);
    }

    private static float[] CpuPath(LabeledImage image, AugmentationDraw draw)
    {
        var values = new float[3 * Size * Size];
        new ImagePreprocessor(Normalisation).Write(image, values, draw);
        return values;
    }

    private static float[] DevicePath(LabeledImage image, AugmentationDraw draw)
    {
        using var input = new DeviceInput(Normalisation, CPU);
        using var pixels = tensor(image.Pixels.ToArray(), [1, Size, Size, 3]);
        using var x = input.ToModelInput(pixels, [draw], new AugmentationOptions(HorizontalFlip: false, CropPadding: 0, Brightness: 0, Contrast: 0, Saturation: 0, Rotation: 90));
        return x.data<float>().ToArray();
    }

    [Fact]
    public void Write_QuarterTurn_EqualsTheTransposedAndFlippedImage()
    {
        var image = Gradient();

        var rotated = CpuPath(image, QuarterTurn);

        rotated.ShouldBe(CpuPath(RotatedByHand(image), AugmentationDraw.Identity));
        rotated.ShouldNotBe(CpuPath(image, AugmentationDraw.Identity));
    }

    [Fact]
    public void ToModelInput_QuarterTurn_EqualsTheTransposedAndFlippedImage()
    {
        var image = Gradient();

        var rotated = DevicePath(image, QuarterTurn);

        rotated.ShouldBe(DevicePath(RotatedByHand(image), AugmentationDraw.Identity));
        rotated.ShouldBe(CpuPath(image, QuarterTurn));
    }

    [Fact]
    public void Write_FortyFiveDegrees_CornersFilledWithZero()
    {
        var image = Gradient();
        var turned = CpuPath(image, AugmentationDraw.Identity with { Rotation = 45 });
        var black = -Normalisation.Mean[0] / Normalisation.Std[0];

        // The corners come from outside the image after an eighth of a turn: zero in pixel space, before normalisation.
        foreach (var corner in new[] { 0, Size - 1, (Size - 1) * Size, (Size * Size) - 1 })
        {
            turned[corner].ShouldBe(black, 1e-6f);
        }

        turned.Take(Size * Size).Count(v => Math.Abs(v - black) < 1e-6f).ShouldBeLessThan(Size * Size / 2);
        DevicePath(image, AugmentationDraw.Identity with { Rotation = 45 }).ShouldBe(turned);
    }

    [Fact]
    public void Next_SameSeed_SameAnglesWithinTheRange()
    {
        var options = new AugmentationOptions(Rotation: 30);
        float[] Angles(int seed)
        {
            var random = new Random(seed);
            return Enumerable.Range(0, 200).Select(_ => AugmentationDraw.Next(options, random).Rotation).ToArray();
        }

        var angles = Angles(5);

        Angles(5).ShouldBe(angles);
        Angles(6).ShouldNotBe(angles);
        angles.ShouldAllBe(a => a >= -30 && a <= 30);
        angles.Min().ShouldBeLessThan(-20);
        angles.Max().ShouldBeGreaterThan(20);
    }

    [Fact]
    public void Next_RotationOn_DrawsItLastSoTheOtherChoicesStayTheSame()
    {
        var without = new AugmentationOptions(RandomErasing: 0.5f);
        var with = without with { Rotation = 10 };
        var (a, b) = (new Random(9), new Random(9));

        var first = AugmentationDraw.Next(without, a);
        var second = AugmentationDraw.Next(with, b);

        (second with { Rotation = 0 }).ShouldBe(first);
        second.Rotation.ShouldNotBe(0f);
        AugmentationDraw.Next(without, new Random(9)).Rotation.ShouldBe(0f);
    }

    [Theory]
    [InlineData(-1f)]
    [InlineData(181f)]
    public void Validate_RotationOutOfRange_IsRefused(float degrees) =>
        Should.Throw<ArgumentOutOfRangeException>(() => new TrainingOptions { Augmentation = new AugmentationOptions(Rotation: degrees) }.Validate())
            .ParamName.ShouldBe("Augmentation");
}
