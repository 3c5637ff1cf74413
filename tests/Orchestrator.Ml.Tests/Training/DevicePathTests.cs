using Orchestrator.Ml.Models;
using Orchestrator.Ml.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Tests.Training;

/// <summary>
/// The on-device data path (bytes to the device, normalisation and augmentation there) against the CPU path it
/// replaced in the trainer: ImagePreprocessor.Write per image into float batches, with one seeded random source per
/// batch (SeedMix of seed, epoch and batch index) and the epoch's shuffled order, as the old BatchLoader did.
/// </summary>
public sealed class DevicePathTests
{
    private const int Size = 32;
    private const int BatchSize = 8;
    private const long Seed = 11;
    private const int Epoch = 2;
    private static readonly Preprocessing Normalisation = Preprocessing.ImageNet(Size);

    private static LabeledImage[] Images(int count, int width, int height)
    {
        var random = new Random(3);
        return Enumerable.Range(0, count).Select(i =>
        {
            var pixels = new byte[width * height * 3];
            random.NextBytes(pixels);
            return new LabeledImage(width, height, pixels, i % 4);
        }).ToArray();
    }

    [Fact]
    public void DevicePath_DefaultAugmentation_EqualsTheCpuPathToFloatRounding()
    {
        // Colour jitter sums an image's grey in another order than the C# loop: the only difference, ~1e-7.
        var (device, cpu, labels, cpuLabels) = BothPaths(Images(21, Size, Size), new AugmentationOptions(), shuffle: true);

        labels.ShouldBe(cpuLabels);
        MaxDifference(device, cpu).ShouldBeLessThan(2e-5);
    }

    [Fact]
    public void DevicePath_FlipAndCropOnly_EqualsTheCpuPathExactly()
    {
        var (device, cpu, labels, cpuLabels) = BothPaths(Images(21, Size, Size), new AugmentationOptions(Brightness: 0, Contrast: 0, Saturation: 0), shuffle: true);

        labels.ShouldBe(cpuLabels);
        MaxDifference(device, cpu).ShouldBe(0);
    }

    [Fact]
    public void DevicePath_RandomErasing_EqualsTheCpuPathAndErasesToZero()
    {
        var erasing = new AugmentationOptions(HorizontalFlip: false, CropPadding: 0, Brightness: 0, Contrast: 0, Saturation: 0, RandomErasing: 1f);
        var (device, cpu, labels, cpuLabels) = BothPaths(Images(21, Size, Size), erasing, shuffle: true);
        var (plain, _, _, _) = BothPaths(Images(21, Size, Size), AugmentationOptions.None, shuffle: true);

        labels.ShouldBe(cpuLabels);
        MaxDifference(device, cpu).ShouldBe(0);
        // Every image lost a rectangle (probability 1) to exact zeros that random bytes under ImageNet normalisation never give.
        var perImage = 3 * Size * Size;
        for (var i = 0; i < 21; i++)
        {
            device.Skip(i * perImage).Take(perImage).Count(v => v == 0f).ShouldBeGreaterThan(0, $"image {i}");
        }

        device.Count(v => v == 0f).ShouldBeGreaterThan(plain.Count(v => v == 0f));
    }

    [Fact]
    public void DevicePath_Rotation_EqualsTheCpuPathExactly()
    {
        // Nearest-pixel rotation picks the same source pixel on both paths (RandomRotation's float64 arithmetic, op for op).
        var rotating = new AugmentationOptions(Brightness: 0, Contrast: 0, Saturation: 0, Rotation: 30);
        var (device, cpu, labels, cpuLabels) = BothPaths(Images(21, Size, Size), rotating, shuffle: true);
        var (unrotated, _, _, _) = BothPaths(Images(21, Size, Size), rotating with { Rotation = 0 }, shuffle: true);

        labels.ShouldBe(cpuLabels);
        MaxDifference(device, cpu).ShouldBe(0);
        MaxDifference(device, unrotated).ShouldBeGreaterThan(0);
    }

    [Fact]
    public void DevicePath_NoAugmentation_EqualsTheCpuPathExactly()
    {
        var (device, cpu, labels, cpuLabels) = BothPaths(Images(13, Size, Size), AugmentationOptions.None, shuffle: false);

        labels.ShouldBe(cpuLabels);
        MaxDifference(device, cpu).ShouldBe(0);
    }

    [Fact]
    public void DevicePath_ImagesOfAnotherSize_WithinHalfAGreyLevelOfTheCpuPath()
    {
        // Resized on the CPU to bytes (rounded) instead of floats: at most half a grey level apart before normalisation.
        var (device, cpu, _, _) = BothPaths(Images(9, 45, 27), AugmentationOptions.None, shuffle: false);
        var halfLevel = 0.5 / 255 / Normalisation.Std.Min();

        var difference = MaxDifference(device, cpu);
        difference.ShouldBeGreaterThan(0);
        difference.ShouldBeLessThanOrEqualTo(halfLevel * 1.001);
    }

    [Fact]
    public void DevicePath_OnCuda_EqualsTheCpuPathToFloatRounding()
    {
        var check = Orchestrator.Ml.Devices.GpuDeviceCheck.Result(Orchestrator.Ml.Devices.GpuOptions.FromEnvironment());
        if (!check.Passed)
        {
            Assert.Skip($"no CUDA device answers ({check.Refusal}); infra/gpu/check.sh runs this comparison on a GPU host");
        }

        var device = Orchestrator.Ml.Devices.ComputeDevice.Select("cuda");
        // Every transform at once; a rotation that picked another source pixel on the GPU would differ by far more than rounding.
        var (onGpu, cpu, labels, cpuLabels) = BothPaths(Images(21, Size, Size), new AugmentationOptions(RandomErasing: 0.5f, Rotation: 30), shuffle: true, device);

        labels.ShouldBe(cpuLabels);
        MaxDifference(onGpu, cpu).ShouldBeLessThan(1e-4);
    }

    [Fact]
    public void Loader_MoreBatchesThanBuffers_ReusesEveryBufferAndGivesThemAllBack()
    {
        using var pool = new HostBufferPool(BatchSize, Size, CPU, count: 2);
        var preprocessor = new ImagePreprocessor(Normalisation);
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        using (var loader = new DeviceBatchLoader(Images(50, Size, Size), preprocessor, new AugmentationOptions(), pool, true, Seed, 0, TestContext.Current.CancellationToken))
        {
            foreach (var batch in loader.ReadAll())
            {
                if (batch.Count == BatchSize)
                {
                    seen.Add(batch.Pixels); // a full batch is its buffer itself; the last, short one a view of one
                }
            }

            loader.BatchCount.ShouldBe(7);
        }

        seen.Count.ShouldBe(2);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Should.NotThrow(() => { pool.Rent(timeout.Token); pool.Rent(timeout.Token); });
    }

    [Fact]
    public void Loader_StoppedMidEpoch_GivesEveryBufferBack()
    {
        using var pool = new HostBufferPool(BatchSize, Size, CPU, count: 3);
        using (var loader = new DeviceBatchLoader(Images(80, Size, Size), new ImagePreprocessor(Normalisation), AugmentationOptions.None, pool, false, Seed, 0,
            TestContext.Current.CancellationToken))
        {
            loader.ReadAll().Take(2).Count().ShouldBe(2);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Should.NotThrow(() => { pool.Rent(timeout.Token); pool.Rent(timeout.Token); pool.Rent(timeout.Token); });
    }

    private static (float[] Device, float[] Cpu, long[] Labels, long[] CpuLabels) BothPaths(LabeledImage[] images, AugmentationOptions augmentation, bool shuffle,
        Device? device = null)
    {
        device ??= CPU;
        var preprocessor = new ImagePreprocessor(Normalisation);
        var (cpu, cpuLabels) = CpuPath(images, preprocessor, augmentation, shuffle);
        using var pool = new HostBufferPool(BatchSize, Size, device, count: 3);
        using var input = new DeviceInput(Normalisation, device);
        using var loader = new DeviceBatchLoader(images, preprocessor, augmentation, pool, shuffle, Seed, Epoch, TestContext.Current.CancellationToken);
        var values = new List<float>();
        var labels = new List<long>();
        foreach (var batch in loader.ReadAll())
        {
            using var x = input.ToModelInput(batch.Pixels, batch.Draws, augmentation);
            x.shape.ShouldBe([batch.Count, 3, Size, Size]);
            values.AddRange(x.cpu().data<float>().ToArray());
            labels.AddRange(batch.Labels);
        }

        return ([.. values], cpu, [.. labels], cpuLabels);
    }

    // What the trainer fed the model before: CHW floats written by the preprocessor, batch by batch.
    private static (float[] Inputs, long[] Labels) CpuPath(LabeledImage[] images, ImagePreprocessor preprocessor, AugmentationOptions augmentation, bool shuffle)
    {
        var order = Enumerable.Range(0, images.Length).ToArray();
        if (shuffle)
        {
            new Random(SeedMix.Of(Seed, Epoch, -1)).Shuffle(order);
        }

        var perImage = preprocessor.ValuesPerImage;
        var inputs = new float[images.Length * perImage];
        var labels = new long[images.Length];
        for (var b = 0; b * BatchSize < images.Length; b++)
        {
            var random = augmentation.IsIdentity ? null : new Random(SeedMix.Of(Seed, Epoch, b));
            for (var i = b * BatchSize; i < Math.Min(images.Length, (b + 1) * BatchSize); i++)
            {
                var image = images[order[i]];
                preprocessor.Write(image, inputs.AsSpan(i * perImage, perImage), augmentation, random);
                labels[i] = image.Label;
            }
        }

        return (inputs, labels);
    }

    private static double MaxDifference(float[] a, float[] b)
    {
        a.Length.ShouldBe(b.Length);
        double worst = 0;
        for (var i = 0; i < a.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        }

        return worst;
    }
}
