using Microsoft.ML.OnnxRuntime;

namespace Orchestrator.Ml.Devices;

/// <summary>Which ONNX Runtime execution provider a session runs on, and why not CUDA when CUDA was asked for.</summary>
/// <param name="Name">"cuda" or "cpu".</param>
/// <param name="FallbackReason">Why the CUDA provider was not used although asked for; null otherwise.</param>
public sealed record OnnxProvider(string Name, string? FallbackReason)
{
    /// <summary>For logs and the evaluation evidence, e.g. <c>onnxruntime=cpu (fallback: ...)</c>.</summary>
    public string Describe() => FallbackReason is null ? $"onnxruntime={Name}" : $"onnxruntime={Name} (CUDA provider unavailable: {FallbackReason})";
}

/// <summary>
/// Creates ONNX Runtime sessions on the CUDA execution provider where asked for and available (the CUDA build ships
/// Microsoft.ML.OnnxRuntime.Gpu.Linux, which needs CUDA 13 and cuDNN 9 on the host), else on the CPU provider.
/// A CUDA provider that cannot load (no GPU, missing CUDA libraries, a CPU-only ONNX Runtime) is not an error: the
/// session falls back to the CPU provider and the returned <see cref="OnnxProvider"/> says why, for the caller to log
/// and record (docs/adr/0003-accelerator-switch.md).
/// </summary>
public static class OnnxExecution
{
    /// <summary>Whether this process asks for the CUDA provider: the CUDA build with <see cref="GpuOptions.OnnxCuda"/> on.</summary>
    public static bool PreferCuda(GpuOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ComputeDevice.IsCudaBuild && options.OnnxCuda;
    }

    /// <summary>
    /// A session for <paramref name="model"/> with the options <paramref name="configure"/> makes (called again for
    /// the CPU fallback: a SessionOptions cannot drop a provider once appended).
    /// </summary>
    public static (InferenceSession Session, OnnxProvider Provider) Create(byte[] model, Func<SessionOptions> configure, bool preferCuda, int deviceIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(configure);
        string? fallback = null;
        if (preferCuda)
        {
            var options = configure();
            try
            {
                options.AppendExecutionProvider_CUDA(deviceIndex);
                return (new InferenceSession(model, options), new OnnxProvider("cuda", null));
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                fallback = e.Message.ReplaceLineEndings(" ").Trim();
            }
            finally
            {
                options.Dispose();
            }
        }

        using var cpu = configure();
        return (new InferenceSession(model, cpu), new OnnxProvider("cpu", fallback));
    }
}
