using System.Diagnostics;
using Orchestrator.Benchmarks.Ml;
using Orchestrator.Ml.Devices;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Training;
using TorchSharp;

namespace Orchestrator.Benchmarks.Gpu;

/// <summary>
/// The GPU targets on the ResNet-18 shape at 224 px, batch 128, in one run: the trainer as the Train activity
/// drives it (background loader into pinned buffers, bytes to the device, augmentation and normalisation there, the
/// activity's default augmentation, per-batch progress, a checkpoint captured every epoch; the Blob upload and ledger
/// append are left out, since a bare GPU host has no servers: train-overhead measures those) against the bare
/// TorchSharp loop (<see cref="BareDeviceLoop"/>), and both against PyTorch (infra/gpu/peer.py) eager and with bf16
/// autocast + channels_last where python3 imports torch. Steady epochs only. Skips without a CUDA device.
/// </summary>
public sealed class TrainGpuBenchmark : IBenchmark
{
    private const int Epochs = 3;

    public string Name => "train-gpu";

    public string Description => "GPU: trainer vs bare TorchSharp loop vs PyTorch eager / bf16+channels_last, ResNet-18 shape, 224 px, batch 128 (samples/s)";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (GpuHost.Device(out var reason) is not { } device)
        {
            context.Skipped(reason);
            return;
        }

        var spec = GpuHost.ResNet18Shape;
        var images = SyntheticImages.Generate(BenchContext.Scaled(2560), spec.InputSize);
        BenchContext.Note($"{CudaDevice.Describe(device)}; {images.Count} images, {Epochs} epochs (the first is warm-up)");
        var bare = BareDeviceLoop.Run(spec, images, GpuHost.BatchSize, Epochs, device);
        var trainer = await TrainerAsync(spec, images, device, cancellationToken);
        BenchContext.Note($"trainer {trainer:F0} samples/s, bare TorchSharp {bare:F0} samples/s");
        context.Ratio(trainer, bare, "samples/s", "trainer-vs-bare");
        // Not a target: the figure ADR 0032 waits for before adopting channels_last in the trainer.
        context.Ratio(BareDeviceLoop.Run(spec, images, GpuHost.BatchSize, Epochs, device, channelsLast: true), bare, "samples/s", "bare-channels-last-vs-bare");

        if (PyTorchPeer.Script(out var missing) is not { } script)
        {
            context.Skipped(missing, "bare-vs-pytorch-eager");
            context.Skipped(missing, "trainer-vs-pytorch-bf16-channels-last");
            return;
        }

        var eager = PyTorchPeer.Run(script, spec, images.Count, Epochs, GpuHost.BatchSize, amp: false, channelsLast: false, out var eagerDetail);
        BenchContext.Note(eagerDetail);
        var fast = PyTorchPeer.Run(script, spec, images.Count, Epochs, GpuHost.BatchSize, amp: true, channelsLast: true, out var fastDetail);
        BenchContext.Note(fastDetail);
        Report(context, bare, eager, eagerDetail, "bare-vs-pytorch-eager");
        Report(context, trainer, fast, fastDetail, "trainer-vs-pytorch-bf16-channels-last");
    }

    private static void Report(BenchContext context, double value, double? baseline, string detail, string variant)
    {
        if (baseline is { } b)
        {
            context.Ratio(value, b, "samples/s", variant);
        }
        else
        {
            context.Skipped($"PyTorch peer unavailable: {detail}", variant);
        }
    }

    // The epochs are timed from one checkpoint to the next, so checkpoint capture and the callbacks count.
    private static async Task<double> TrainerAsync(ModelSpec spec, IReadOnlyList<LabeledImage> images, torch.Device device, CancellationToken cancellationToken)
    {
        torch.random.manual_seed(7);
        using var model = new ResNet(spec);
        model.to(device);
        var options = new TrainingOptions { Epochs = Epochs, BatchSize = GpuHost.BatchSize, RestoreBestWeights = false };
        var watch = Stopwatch.StartNew();
        var ends = new List<double>();
        TrainingProgress? last = null;
        var callbacks = new TrainingCallbacks
        {
            OnBatch = p => last = p, // what the activity's heartbeat does with it
            OnCheckpoint = (checkpoint, token) =>
            {
                token.ThrowIfCancellationRequested(); // captured and serialised above (checkpoint.Bytes), as the activity uploads it
                _ = checkpoint.Bytes.Length;
                ends.Add(watch.Elapsed.TotalSeconds);
                return Task.CompletedTask;
            },
        };
        await new Trainer(new ImagePreprocessor(Preprocessing.Centered(spec.InputSize)), options).TrainAsync(model, images, null, null, callbacks, cancellationToken);
        var seconds = ends.Zip(ends.Skip(1), (a, b) => b - a).ToList();
        _ = last;
        return images.Count / (seconds.Count > 0 ? seconds.Average() : ends[0]);
    }
}
