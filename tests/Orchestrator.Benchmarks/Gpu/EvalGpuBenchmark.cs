using System.Diagnostics;
using Orchestrator.Benchmarks.Ml;
using Orchestrator.Ml.Devices;
using Orchestrator.Ml.Evaluation;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Onnx;
using Orchestrator.Ml.Training;

namespace Orchestrator.Benchmarks.Gpu;

/// <summary>
/// The evaluator on ONNX Runtime's CUDA execution provider against the same evaluator on the CPU provider: the
/// ResNet-18 shape exported to ONNX, 224 px images, batch 32, best of three. Skips where the CUDA provider does not
/// load (the CPU build; a host without CUDA 13 and cuDNN 9; a bundle without the 289 MB provider library).
/// </summary>
public sealed class EvalGpuBenchmark : IBenchmark
{
    private const int Batch = 32;

    public string Name => "eval-gpu";

    public string Description => "GPU: ONNX evaluator on the CUDA execution provider vs the CPU provider, ResNet-18 shape, 224 px, batch 32 (images/s)";

    public Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!ComputeDevice.IsCudaBuild)
        {
            context.Skipped("no CUDA here: this is the CPU build, which ships the CPU ONNX Runtime only (infra/gpu/check.sh builds with -p:Accelerator=cuda)");
            return Task.CompletedTask;
        }

        try
        {
            ComputeDevice.EnsureNativeBackend(); // the export runs on the host's libtorch
        }
        catch (LibTorchUnavailableException e)
        {
            context.Skipped(e.Message);
            return Task.CompletedTask;
        }

        var spec = GpuHost.ResNet18Shape;
        byte[] onnx;
        using (var model = new ResNet(spec))
        {
            model.eval();
            onnx = ResNetOnnxExporter.Export(model, Preprocessing.Centered(spec.InputSize), ["a", "b", "c", "d"]);
        }

        using var cuda = new OnnxEvaluator(onnx, preferCuda: true);
        if (cuda.Provider.Name != "cuda")
        {
            context.Skipped(cuda.Provider.Describe());
            return Task.CompletedTask;
        }

        using var cpu = new OnnxEvaluator(onnx);
        var images = SyntheticImages.Generate(BenchContext.Scaled(512), spec.InputSize);
        cuda.Evaluate(images.Take(Batch * 2).ToList(), Batch, cancellationToken: cancellationToken); // CUDA context, cuDNN autotuning
        double onGpu = 0, onCpu = 0;
        for (var round = 0; round < 3; round++)
        {
            onGpu = Math.Max(onGpu, Rate(cuda, images, cancellationToken));
            onCpu = Math.Max(onCpu, Rate(cpu, images, cancellationToken));
        }

        context.Ratio(onGpu, onCpu, "images/s");
        return Task.CompletedTask;
    }

    private static double Rate(OnnxEvaluator evaluator, IReadOnlyList<LabeledImage> images, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        evaluator.Evaluate(images, Batch, cancellationToken: cancellationToken);
        return images.Count / watch.Elapsed.TotalSeconds;
    }
}
