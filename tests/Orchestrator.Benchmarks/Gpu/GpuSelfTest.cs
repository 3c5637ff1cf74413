using System.Globalization;
using Orchestrator.Benchmarks.Ml;
using Orchestrator.Ml.Devices;
using Orchestrator.Testing.Models;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Serving;
using Orchestrator.Ml.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Benchmarks.Gpu;

/// <summary>
/// The checks CI cannot run, for a GPU host (infra/gpu/check.sh): the device check, NVML telemetry, the on-device data
/// path against the CPU preprocessor, a real CUDA out-of-memory mapped to the batch-size failure, a short training on
/// pinned buffers, and which ONNX Runtime provider loads. One PASS/FAIL/INFO line each; exit code 0 only when none failed.
/// </summary>
public static class GpuSelfTest
{
    /// <summary>The command-line argument that runs it.</summary>
    public const string Argument = "gpu-selftest";

    public static int Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var failures = 0;
        void Report(bool passed, string what)
        {
            output.WriteLine($"{(passed ? "PASS" : "FAIL")} {what}");
            failures += passed ? 0 : 1;
        }

        var check = GpuDeviceCheck.Result(GpuOptions.FromEnvironment());
        Report(check.Passed, $"device check: {check.Describe()}");
        if (!check.Passed)
        {
            return 1;
        }

        var device = ComputeDevice.Select("cuda");
        using (var nvml = Nvml.TryOpen(out var reason))
        {
            var sample = nvml?.Device(Math.Max(0, device.index), CudaDevice.Visible) is { } handle ? nvml.Sample(handle) : null;
            Report(sample is { MemoryTotalBytes: > 0 }, sample is null ? $"NVML telemetry: {reason}" : $"NVML telemetry: {sample}");
        }

        foreach (var (augmentation, tolerance) in new[] { (new AugmentationOptions(), 1e-4), (AugmentationOptions.None, 1e-6) })
        {
            var difference = DevicePathDifference(device, augmentation);
            Report(difference <= tolerance, string.Create(CultureInfo.InvariantCulture,
                $"data path on {device} vs the CPU preprocessor ({(augmentation.IsIdentity ? "no augmentation" : "default augmentation")}): max difference {difference:G3} (tolerance {tolerance:G1})"));
        }

        try
        {
            using var huge = empty([1L << 40], ScalarType.Float32, device);
            Report(false, "out of memory: a 4 TiB allocation succeeded");
        }
        catch (Exception e) when (DeviceOutOfMemoryException.IsOutOfMemory(e))
        {
            Report(true, $"out of memory mapped: {new DeviceOutOfMemoryException(device.ToString(), 128, "self-test", e.Message).Message}");
        }
        catch (System.Runtime.InteropServices.ExternalException e)
        {
            Report(false, $"out of memory not recognised: {e.Message.Split('\n')[0]}");
        }

        var (loss, pinned) = ShortTraining(device);
        Report(double.IsFinite(loss) && pinned, string.Create(CultureInfo.InvariantCulture, $"one epoch on {device}: train loss {loss:F4}, host buffers pinned={pinned}"));

        using var predictor = new OnnxPredictor(ColourBaselineModel.Create(16), preferCuda: true);
        output.WriteLine($"INFO ONNX Runtime: {predictor.Provider.Describe()}");
        return failures == 0 ? 0 : 1;
    }

    private static double DevicePathDifference(Device device, AugmentationOptions augmentation)
    {
        const int size = 32, batch = 8;
        const long seed = 11;
        var images = SyntheticImages.Generate(21, size);
        var preprocessing = Preprocessing.ImageNet(size);
        var preprocessor = new ImagePreprocessor(preprocessing);
        var perImage = preprocessor.ValuesPerImage;
        var reference = new float[images.Count * perImage];
        for (var b = 0; b * batch < images.Count; b++)
        {
            var random = augmentation.IsIdentity ? null : new Random(SeedMix.Of(seed, 0, b));
            for (var i = b * batch; i < Math.Min(images.Count, (b + 1) * batch); i++)
            {
                preprocessor.Write(images[i], reference.AsSpan(i * perImage, perImage), augmentation, random);
            }
        }

        using var pool = new HostBufferPool(batch, size, device, count: 3);
        using var input = new DeviceInput(preprocessing, device);
        using var loader = new DeviceBatchLoader(images, preprocessor, augmentation, pool, false, seed, 0, CancellationToken.None);
        double worst = 0;
        var offset = 0;
        foreach (var b in loader.ReadAll())
        {
            using var x = input.ToModelInput(b.Pixels, b.Draws, augmentation);
            var values = x.cpu().data<float>().ToArray();
            for (var i = 0; i < values.Length; i++)
            {
                worst = Math.Max(worst, Math.Abs(values[i] - reference[offset + i]));
            }

            offset += values.Length;
        }

        return offset == reference.Length ? worst : double.PositiveInfinity;
    }

    private static (double Loss, bool Pinned) ShortTraining(Device device)
    {
        using (var probe = new HostBufferPool(4, 32, device, count: 2))
        using (var token = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            var buffer = probe.Rent(token.Token);
            var pinned = buffer.is_pinned();
            probe.Return(buffer);
            torch.random.manual_seed(3);
            using var model = new ResNet(new ModelSpec(Architecture.ResNet32, 4, Width: 8));
            model.to(device);
            var result = new Trainer(new ImagePreprocessor(Preprocessing.Centered(32)), new TrainingOptions { Epochs = 1, BatchSize = 32 })
                .TrainAsync(model, SyntheticImages.Generate(256, 32), null, null, null, CancellationToken.None).GetAwaiter().GetResult();
            return (result.History[^1].TrainLoss, pinned);
        }
    }
}
