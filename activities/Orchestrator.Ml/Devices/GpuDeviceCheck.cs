using System.Globalization;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Orchestrator.Ml.Devices;

/// <summary>The outcome of <see cref="GpuDeviceCheck"/>.</summary>
/// <param name="Passed">Whether this process may train on its GPU.</param>
/// <param name="Device">The device description for the log and /readyz (the evidence's, when passed).</param>
/// <param name="Refusal">Why not, in one line; empty when passed.</param>
public sealed record GpuCheckResult(bool Passed, string Device, string Refusal)
{
    /// <summary>For the log and /readyz.</summary>
    public string Describe() => Passed ? $"selfcheck=passed {Device}" : $"the GPU device check failed: {Refusal}";
}

/// <summary>
/// What a GPU worker (the CUDA build) must pass before it polls the GPU queue: a usable CUDA libtorch is found and
/// loaded, the configured device answers, and the <see cref="BackendSelfCheck"/> reference network computes the same
/// forward and backward pass on it as in plain C# (with TF32 off for the comparison: TF32 alone is off by about 1e-3).
/// Replaces the CPU self-check on CUDA devices. Once per process.
/// </summary>
public static class GpuDeviceCheck
{
    private static readonly Lock Gate = new();
    private static GpuCheckResult? result;

    /// <summary>The command-line argument that runs the check alone (infra/gpu/check.sh, operators).</summary>
    public const string Argument = "--gpu-check";

    /// <summary>
    /// What <see cref="Argument"/> does: prints the result on one line (the environment's Orchestrator__Gpu__*
    /// settings) and returns 0 when passed, 1 with the refusal on <paramref name="error"/> when not.
    /// </summary>
    public static int RunFromCommandLine(TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var check = Result(GpuOptions.FromEnvironment());
        output.WriteLine(check.Describe());
        if (!check.Passed)
        {
            error.WriteLine(check.Refusal);
        }

        return check.Passed ? 0 : 1;
    }

    /// <summary>The check of this process, run at first use with <paramref name="options"/>.</summary>
    public static GpuCheckResult Result(GpuOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        lock (Gate)
        {
            return result ??= Run(options);
        }
    }

    private static GpuCheckResult Run(GpuOptions options)
    {
        if (!ComputeDevice.IsCudaBuild)
        {
            return new GpuCheckResult(false, "device=cpu", $"this build is for '{ComputeDevice.BuiltFor}': GPU workers are built with -p:Accelerator=cuda");
        }

        try
        {
            var device = CudaDevice.Select(options);
            var (matmul, cudnn) = (torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32);
            BackendCheckResult numerical;
            try
            {
                torch.backends.cuda.matmul.allow_tf32 = false;
                torch.backends.cudnn.allow_tf32 = false;
                numerical = BackendSelfCheck.Run(device: device);
            }
            finally
            {
                torch.backends.cuda.matmul.allow_tf32 = matmul;
                torch.backends.cudnn.allow_tf32 = cudnn;
            }

            var description = CudaDevice.Describe(device);
            return numerical.Passed
                ? new GpuCheckResult(true, string.Create(CultureInfo.InvariantCulture, $"maxerr={numerical.MaxError:0.#e+00} {description}"), "")
                : new GpuCheckResult(false, description, string.Create(CultureInfo.InvariantCulture,
                    $"libtorch on {device} computes the reference network wrong ({numerical.Worst} off by {numerical.MaxError:0.##e+00} relative, tolerance {BackendSelfCheck.Tolerance:0e+00})"));
        }
        catch (Exception e) when (e is InvalidOperationException or ExternalException or DllNotFoundException or EntryPointNotFoundException or NotSupportedException)
        {
            return new GpuCheckResult(false, "device=cuda", e.Message.ReplaceLineEndings(" "));
        }
    }
}
