using Orchestrator.Ml.Models;
using Orchestrator.Ml.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Tests.Training;

public sealed class PipelineTests
{
    private static LabeledImage Solid(int size, byte r, byte g, byte b) =>
        new(size, size, Enumerable.Range(0, size * size).SelectMany(_ => new[] { r, g, b }).ToArray(), 0);

    [Theory]
    [InlineData(8)] // resized to 4x4 (bilinear path)
    [InlineData(4)] // already 4x4 (direct path)
    public void Write_NoAugmentation_NormalisesPerChannelInChwOrder(int sourceSize)
    {
        var preprocessor = new ImagePreprocessor(new Preprocessing(4, [0.5f, 0f, 0f], [0.5f, 1f, 0.5f]));
        var output = new float[preprocessor.ValuesPerImage];

        preprocessor.Write(Solid(sourceSize, 255, 51, 0), output, AugmentationOptions.None, null);

        output[..16].ShouldAllBe(v => Math.Abs(v - 1f) < 1e-6); // (1 - .5) / .5
        output[16..32].ShouldAllBe(v => Math.Abs(v - 0.2f) < 1e-6); // 51/255
        output[32..].ShouldAllBe(v => Math.Abs(v) < 1e-6);
    }

    [Fact]
    public void Write_FlipOnly_MirrorsColumns()
    {
        var pixels = new byte[2 * 1 * 3];
        pixels[0] = 255; // left pixel red, right pixel black
        var preprocessor = new ImagePreprocessor(new Preprocessing(2, [0f, 0f, 0f], [1f, 1f, 1f]));
        var flipOnly = new AugmentationOptions(HorizontalFlip: true, CropPadding: 0, Brightness: 0, Contrast: 0, Saturation: 0);
        var random = new Random(3);
        var seen = new HashSet<(float, float)>();

        for (var i = 0; i < 20; i++)
        {
            var output = new float[preprocessor.ValuesPerImage];
            preprocessor.Write(2, 2, [.. pixels, .. pixels], output, flipOnly, random);
            seen.Add((output[0], output[1]));
        }

        seen.ShouldBe([(1f, 0f), (0f, 1f)], ignoreOrder: true);
    }

    [Theory]
    [InlineData(ScheduleKind.Constant, 0, 0, 1.0)]
    [InlineData(ScheduleKind.Cosine, 0, 0, 1.0)]
    [InlineData(ScheduleKind.Cosine, 5, 0, 0.5)]
    [InlineData(ScheduleKind.Step, 4, 9, 1.0)]
    [InlineData(ScheduleKind.Step, 5, 0, 0.1)]
    [InlineData(ScheduleKind.Step, 9, 9, 0.1)]
    public void At_Schedules_FollowTheirFormula(ScheduleKind kind, int epoch, int batch, double expected)
    {
        var options = new TrainingOptions { Schedule = kind, Epochs = 10, LearningRate = 1, StepEpochs = 5, StepGamma = 0.1 };

        LearningRateSchedule.At(options, epoch, batch, 10).ShouldBe(expected, 1e-12);
    }

    [Fact]
    public void At_Warmup_RisesLinearlyToBaseRate()
    {
        var options = new TrainingOptions { Schedule = ScheduleKind.Constant, WarmupEpochs = 1, LearningRate = 1 };

        LearningRateSchedule.At(options, 0, 0, 4).ShouldBe(0.25, 1e-12);
        LearningRateSchedule.At(options, 0, 3, 4).ShouldBe(1.0, 1e-12);
        LearningRateSchedule.At(options, 1, 0, 4).ShouldBe(1.0, 1e-12);
    }

    [Fact]
    public void BalancedClassWeights_ImbalancedLabels_InverseFrequency()
    {
        // 6 items, 2 classes: 4 of class 0, 2 of class 1 -> 6/(2*4), 6/(2*2); class 2 absent -> 0.
        Losses.BalancedClassWeights([0, 0, 0, 0, 1, 1], 3).ShouldBe([0.5f, 1.0f, 0f]);
    }

    [Fact]
    public void Focal_GammaZeroNoWeights_EqualsCrossEntropy()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(new[] { 2f, 0.5f, -1f, 0f, 1f, 3f }, [2, 3]);
        var targets = tensor(new long[] { 0, 2 });

        var focal = Losses.Focal(logits, targets, 0, null).item<float>();
        var ce = nn.functional.cross_entropy(logits, targets).item<float>();

        focal.ShouldBe(ce, 1e-6f);
        Losses.Focal(logits, targets, 2, null).item<float>().ShouldBeLessThan(ce); // confident right answers are down-weighted
    }

    [Fact]
    public void SeedMix_SameParts_SameSeedDifferentParts_DifferentSeed()
    {
        SeedMix.Of(42, 1, 2).ShouldBe(SeedMix.Of(42, 1, 2));
        SeedMix.Of(42, 1, 2).ShouldNotBe(SeedMix.Of(42, 2, 1));
        SeedMix.Of(42, 1, 2).ShouldBe(1_094_980_955); // stable across processes and machines
    }
}
