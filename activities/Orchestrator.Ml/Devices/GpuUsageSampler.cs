using TorchSharp;

namespace Orchestrator.Ml.Devices;

/// <summary>One epoch's GPU usage: mean utilisation (0-1), peak and total memory, the hottest reading, and the sample count.</summary>
public sealed record GpuEpochUsage(double MeanUtilization, long PeakMemoryBytes, long MemoryTotalBytes, int MaxTemperatureCelsius, int Samples);

/// <summary>
/// Reads a GPU every <c>interval</c> on a timer while a training runs and summarises each epoch
/// (<see cref="TakeEpoch"/>): the per-epoch peak memory and mean utilisation of the training evidence.
/// </summary>
public sealed class GpuUsageSampler : IDisposable
{
    private readonly Func<GpuSample?> read;
    private readonly Timer timer;
    private readonly Lock gate = new();
    private readonly IDisposable? owner;
    private double utilizationSum;
    private long peak;
    private long total;
    private int hottest = -1;
    private int samples;

    /// <summary>Samples <paramref name="read"/> every <paramref name="interval"/>; <paramref name="owner"/> is disposed with the sampler.</summary>
    public GpuUsageSampler(Func<GpuSample?> read, TimeSpan interval, IDisposable? owner = null)
    {
        this.read = read ?? throw new ArgumentNullException(nameof(read));
        this.owner = owner;
        timer = new Timer(_ => Sample(), null, TimeSpan.Zero, interval);
    }

    /// <summary>A sampler of <paramref name="device"/> through NVML; null, with the reason, on a CPU device or where there is no NVML.</summary>
    public static GpuUsageSampler? Start(torch.Device device, TimeSpan interval, out string reason)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.type != DeviceType.CUDA)
        {
            reason = $"no GPU telemetry: training runs on {device.type.ToString().ToLowerInvariant()}";
            return null;
        }

        var nvml = Nvml.TryOpen(out reason);
        if (nvml?.Device(Math.Max(0, device.index), CudaDevice.Visible) is not { } handle)
        {
            reason = nvml is null ? reason : $"no GPU telemetry: NVML does not know CUDA device {device.index} (CUDA_VISIBLE_DEVICES={CudaDevice.Visible ?? "unset"})";
            nvml?.Dispose();
            return null;
        }

        return new GpuUsageSampler(() => nvml.Sample(handle), interval, nvml);
    }

    /// <summary>Takes one reading now (the timer calls it; tests may too).</summary>
    public void Sample()
    {
        var sample = read();
        if (sample is null)
        {
            return;
        }

        lock (gate)
        {
            utilizationSum += sample.Utilization;
            peak = Math.Max(peak, sample.MemoryUsedBytes);
            total = sample.MemoryTotalBytes;
            hottest = Math.Max(hottest, sample.TemperatureCelsius);
            samples++;
        }
    }

    /// <summary>The usage since the previous call (or the start), then starts a new epoch; one reading is taken first.</summary>
    public GpuEpochUsage TakeEpoch()
    {
        Sample();
        lock (gate)
        {
            var usage = new GpuEpochUsage(samples == 0 ? 0 : utilizationSum / samples, peak, total, hottest, samples);
            (utilizationSum, peak, hottest, samples) = (0, 0, -1, 0);
            return usage;
        }
    }

    public void Dispose()
    {
        using (var stopped = new ManualResetEvent(false))
        {
            // Waits for a reading in progress, so NVML is not shut down under it.
            if (timer.Dispose(stopped))
            {
                stopped.WaitOne();
            }
        }

        owner?.Dispose();
    }
}
