using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Activities.Hosting;
using Orchestrator.Ml.Devices;

namespace Orchestrator.Hosting.Workers;

/// <summary>
/// Publishes this worker's GPU (utilisation, memory used and peak, temperature) as OpenTelemetry gauges
/// (<see cref="GpuMeters"/>) through NVML. Where there is no NVML (a CPU host) or it does not know the device,
/// it says so once and publishes nothing: no GPU telemetry, nothing else changes.
/// </summary>
internal sealed partial class GpuTelemetry(IMeterFactory meters, IOptions<GpuOptions> gpu, IOptions<WorkerIdentityOptions> identity, ILogger<GpuTelemetry> logger)
    : IHostedService, IDisposable
{
    private Nvml? nvml;

    /// <summary>Whether the gauges are published (after start).</summary>
    public bool Publishing { get; private set; }

    /// <summary>The NVML library opened; tests point it at a library that does not exist.</summary>
    public string Library { get; init; } = Nvml.LibraryName;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var index = gpu.Value.DeviceIndex;
        nvml = Nvml.TryOpen(out var reason, Library);
        if (nvml?.Device(index, CudaDevice.Visible) is not { } device)
        {
            reason = nvml is null ? reason : string.Create(CultureInfo.InvariantCulture, $"no GPU telemetry: NVML does not know CUDA device {index} (CUDA_VISIBLE_DEVICES={CudaDevice.Visible ?? "unset"})");
            nvml?.Dispose();
            nvml = null;
            NoTelemetry(logger, ComputeDevice.IsCudaBuild ? LogLevel.Warning : LogLevel.Debug, reason);
            return Task.CompletedTask;
        }

        var open = nvml;
        _ = new GpuMeters(meters, () => open.Sample(device), string.Create(CultureInfo.InvariantCulture, $"cuda:{index}"), identity.Value.ToIdentity().Identity);
        Publishing = true;
        var name = open.Name(device) ?? "unknown";
        Publishes(logger, name, index);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => nvml?.Dispose();

    [LoggerMessage(Message = "{Reason}")]
    private static partial void NoTelemetry(ILogger logger, LogLevel level, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "GPU telemetry for {Gpu} (CUDA device {Index}): orchestrator.gpu.* gauges")]
    private static partial void Publishes(ILogger logger, string gpu, int index);
}
