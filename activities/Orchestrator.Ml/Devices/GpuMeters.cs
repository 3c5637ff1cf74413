using System.Diagnostics.Metrics;

namespace Orchestrator.Ml.Devices;

/// <summary>
/// A GPU worker's device as OpenTelemetry gauges on the meter "Orchestrator", read when the exporter collects:
/// <list type="bullet">
/// <item><c>orchestrator.gpu.utilization</c> (1): the fraction of the driver's last sample period a kernel ran.</item>
/// <item><c>orchestrator.gpu.memory.used</c> (By): device memory in use.</item>
/// <item><c>orchestrator.gpu.memory.peak</c> (By): the most seen in use since the worker started.</item>
/// <item><c>orchestrator.gpu.temperature</c> (Cel): the GPU's temperature.</item>
/// </list>
/// Each carries the tags <c>device</c> (e.g. "cuda:0") and <c>worker</c> (the worker identity). A reading the
/// driver refuses produces no measurement rather than a zero.
/// </summary>
public sealed class GpuMeters
{
    /// <summary>The meter, shared with the service's other meters.</summary>
    public const string MeterName = "Orchestrator";

    private readonly Func<GpuSample?> read;
    private readonly KeyValuePair<string, object?>[] tags;
    private readonly Lock gate = new();
    private long peak;

    public GpuMeters(IMeterFactory meters, Func<GpuSample?> read, string device, string worker)
    {
        ArgumentNullException.ThrowIfNull(meters);
        this.read = read ?? throw new ArgumentNullException(nameof(read));
        tags = [new("device", device), new("worker", worker)];
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("orchestrator.gpu.utilization", () => Observe(s => s.Utilization), "1", "GPU utilisation of this worker's device (0-1).");
        meter.CreateObservableGauge("orchestrator.gpu.memory.used", () => Observe(s => s.MemoryUsedBytes), "By", "Device memory in use on this worker's GPU.");
        meter.CreateObservableGauge("orchestrator.gpu.memory.peak", () => Observe(_ => Peak()), "By", "The most device memory seen in use since the worker started.");
        meter.CreateObservableGauge("orchestrator.gpu.temperature", () => Observe(s => s.TemperatureCelsius), "Cel", "Temperature of this worker's GPU.");
    }

    private IEnumerable<Measurement<T>> Observe<T>(Func<GpuSample, T> value) where T : struct
    {
        if (read() is not { } sample)
        {
            return [];
        }

        lock (gate)
        {
            peak = Math.Max(peak, sample.MemoryUsedBytes);
        }

        return [new Measurement<T>(value(sample), tags)];
    }

    private long Peak()
    {
        lock (gate)
        {
            return peak;
        }
    }
}
