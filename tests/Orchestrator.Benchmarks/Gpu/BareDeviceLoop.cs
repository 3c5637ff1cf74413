using System.Diagnostics;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Benchmarks.Gpu;

/// <summary>
/// The bare TorchSharp loop of train-gpu: the images normalised once and held on the device, randperm batches,
/// AdamW (the activity's defaults: lr 3e-3, weight decay 1e-4), clipping at 5.0, loss.item() every step; nothing
/// else (no loader, no augmentation, no callbacks, no checkpoints). What infra/gpu/peer.py does in PyTorch. With
/// <c>channelsLast</c> the images and 4-d weights get NHWC strides (TorchSharp 0.107 has no memory-format argument;
/// libtorch picks its channels-last kernels from the strides: docs/adr/0032-gpu-data-path-and-precision.md).
/// </summary>
internal static class BareDeviceLoop
{
    /// <summary>Training samples per second over the epochs after the first (cuDNN's autotuning and allocation warm-up).</summary>
    public static double Run(ModelSpec spec, IReadOnlyList<LabeledImage> images, int batchSize, int epochs, Device device, bool channelsLast = false)
    {
        var preprocessing = Preprocessing.Centered(spec.InputSize);
        var preprocessor = new ImagePreprocessor(preprocessing);
        var perImage = preprocessor.ValuesPerImage;
        var bytes = new byte[images.Count * perImage];
        for (var i = 0; i < images.Count; i++)
        {
            preprocessor.WriteBytes(images[i], bytes.AsSpan(i * perImage, perImage));
        }

        using var input = new DeviceInput(preprocessing, device);
        using var pixels = tensor(bytes, [images.Count, spec.InputSize, spec.InputSize, 3]);
        using var normalised = input.ToModelInput(pixels, null, AugmentationOptions.None);
        using var x = channelsLast ? ChannelsLast(normalised) : normalised.alias();
        using var y = tensor(images.Select(i => (long)i.Label).ToArray()).to(device);
        torch.random.manual_seed(7);
        using var model = new ResNet(spec);
        model.to(device);
        if (channelsLast)
        {
            using var noGrad = no_grad();
            foreach (var weight in model.parameters().Where(p => p.dim() == 4))
            {
                weight.set_(ChannelsLast(weight.detach().clone()));
            }
        }

        // The product's optimiser (TorchSharp's AdamW arithmetic with held Scalars, ADR 0045), so the baseline differs only in the data path.
        using var optimizer = new HeldScalarAdamW([new TorchSharp.Modules.AdamW.ParamGroup { Parameters = model.parameters().ToList() }], 3e-3, 1e-4);
        var seconds = new List<double>();
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            torch.cuda.synchronize(device);
            var watch = Stopwatch.StartNew();
            model.train();
            using var order = randperm(images.Count, device: device);
            for (long start = 0; start < images.Count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var index = order.narrow(0, start, Math.Min(batchSize, images.Count - start));
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.call(x.index_select(0, index)), y.index_select(0, index));
                loss.backward();
                nn.utils.clip_grad_norm_(model.parameters(), 5.0);
                optimizer.step();
                loss.item<float>();
            }

            torch.cuda.synchronize(device);
            seconds.Add(watch.Elapsed.TotalSeconds);
        }

        return images.Count / Steady(seconds);
    }

    /// <summary>The same NCHW tensor with NHWC strides (what PyTorch's memory_format=torch.channels_last makes).</summary>
    public static Tensor ChannelsLast(Tensor nchw) => nchw.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    /// <summary>The mean of the epochs after the first (the first alone when there is one).</summary>
    public static double Steady(IReadOnlyList<double> seconds) => seconds.Count > 1 ? seconds.Skip(1).Average() : seconds[0];
}
