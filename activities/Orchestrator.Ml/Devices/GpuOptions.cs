using System.Globalization;

namespace Orchestrator.Ml.Devices;

/// <summary>
/// How a GPU worker finds and uses its GPU (section "Orchestrator:Gpu"; environment variables
/// <c>Orchestrator__Gpu__LibTorchPath</c>, <c>Orchestrator__Gpu__DeviceIndex</c>, ...). Only a CUDA build
/// (-p:Accelerator=cuda) reads them; a CPU build trains on the CPU whatever they say.
/// </summary>
public sealed class GpuOptions
{
    public const string Section = "Orchestrator:Gpu";

    /// <summary>
    /// The directory holding the CUDA libtorch to load (libtorch.so, libc10.so, libtorch_cuda.so ...), e.g.
    /// <c>/opt/conda/lib/python3.12/site-packages/torch/lib</c>. Unset: LD_LIBRARY_PATH, then the host's PyTorch.
    /// </summary>
    public string? LibTorchPath { get; set; }

    /// <summary>
    /// The CUDA device this worker trains on (0 = the first visible one). One worker per GPU: either give each
    /// worker its own index, or give each its own CUDA_VISIBLE_DEVICES and leave this at 0.
    /// </summary>
    public int DeviceIndex { get; set; }

    /// <summary>TensorFloat-32 matrix multiplications and convolutions on Ampere and later GPUs (recorded in the evidence).</summary>
    public bool Tf32 { get; set; } = true;

    /// <summary>Evaluation and serving on ONNX Runtime's CUDA execution provider (falls back to the CPU provider, recorded).</summary>
    public bool OnnxCuda { get; set; } = true;

    /// <summary>The settings from environment variables alone (tools and benchmarks without a configuration).</summary>
    public static GpuOptions FromEnvironment() => FromVariables(Environment.GetEnvironmentVariable);

    /// <summary>The settings from <paramref name="variable"/> (<c>Orchestrator__Gpu__*</c> names).</summary>
    public static GpuOptions FromVariables(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        const string prefix = "Orchestrator__Gpu__";
        var options = new GpuOptions { LibTorchPath = variable(prefix + nameof(LibTorchPath)) is { Length: > 0 } path ? path : null };
        if (variable(prefix + nameof(DeviceIndex)) is { Length: > 0 } index)
        {
            options.DeviceIndex = int.TryParse(index, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= 0
                ? i
                : throw new ArgumentException($"{prefix}{nameof(DeviceIndex)} '{index}' is not a device index (0, 1, ...).");
        }

        options.Tf32 = Flag(variable(prefix + nameof(Tf32)), options.Tf32);
        options.OnnxCuda = Flag(variable(prefix + nameof(OnnxCuda)), options.OnnxCuda);
        return options;
    }

    private static bool Flag(string? value, bool fallback) => bool.TryParse(value, out var flag) ? flag : fallback;
}
