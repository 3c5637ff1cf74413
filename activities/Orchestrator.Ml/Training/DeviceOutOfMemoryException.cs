using System.Globalization;

namespace Orchestrator.Ml.Training;

/// <summary>
/// Thrown by <see cref="Trainer"/> when the device runs out of memory in a batch, e.g. <c>out of GPU memory on cuda:0
/// at batch size 512 (epoch 1, batch 1): CUDA out of memory. Tried to allocate 2.00 GiB ...; lower the policy's
/// training batch size</c>. The same batch size runs out again on a retry, so it is not retried.
/// </summary>
public sealed class DeviceOutOfMemoryException(string device, int batchSize, string where, string detail, Exception? inner = null)
    : Exception(string.Create(CultureInfo.InvariantCulture,
        $"out of GPU memory on {device} at batch size {batchSize} ({where}): {FirstLine(detail)}; lower the policy's training batch size"), inner)
{
    /// <summary>The device that ran out, e.g. "cuda:0".</summary>
    public string Device { get; } = device;

    /// <summary>The batch size the run used.</summary>
    public int BatchSize { get; } = batchSize;

    /// <summary>Whether <paramref name="exception"/> is libtorch (or cuBLAS/cuDNN) reporting an exhausted device memory.</summary>
    public static bool IsOutOfMemory(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var message = exception.Message;
        return exception is System.Runtime.InteropServices.ExternalException
            && (message.Contains("CUDA out of memory", StringComparison.Ordinal)
                || message.Contains("CUBLAS_STATUS_ALLOC_FAILED", StringComparison.Ordinal)
                || message.Contains("CUDNN_STATUS_ALLOC_FAILED", StringComparison.Ordinal)
                || message.Contains("cudaErrorMemoryAllocation", StringComparison.Ordinal));
    }

    // libtorch appends a C++ stack ("Exception raised from malloc at ..."): the first line is the reason.
    private static string FirstLine(string detail)
    {
        var line = detail.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        return line.TrimEnd('.', ' ');
    }
}
