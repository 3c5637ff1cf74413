using Orchestrator.Ml.Devices;
using TorchSharp;

namespace Orchestrator.Benchmarks.Gpu;

/// <summary>Whether this process can measure on a GPU: the CUDA build, and a device that passed the GPU worker's device check.</summary>
internal static class GpuHost
{
    /// <summary>The ResNet-18 shape the targets name: ResNet224, width 64, two blocks per stage, four stages, 224 px.</summary>
    public static Orchestrator.Ml.Models.ModelSpec ResNet18Shape { get; } = new(Orchestrator.Ml.Models.Architecture.ResNet224, 4, Width: 64, BlocksPerStage: 2, Stages: 4);

    /// <summary>The batch size of the targets.</summary>
    public const int BatchSize = 128;

    /// <summary>The CUDA device, or null and why not.</summary>
    public static torch.Device? Device(out string reason)
    {
        if (!ComputeDevice.IsCudaBuild)
        {
            reason = "no CUDA here: this is the CPU build (a GPU host runs infra/gpu/check.sh, which builds with -p:Accelerator=cuda)";
            return null;
        }

        var check = GpuDeviceCheck.Result(GpuOptions.FromEnvironment());
        if (!check.Passed)
        {
            reason = $"no CUDA device answers: {check.Refusal}";
            return null;
        }

        reason = "";
        return ComputeDevice.Select("cuda");
    }
}
