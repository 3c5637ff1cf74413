using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Ml.Devices;

namespace Orchestrator.Hosting.Workers;

/// <summary>
/// Whether this process may host its workers: a role that runs TorchSharp (all, gpu-worker) needs its compute device
/// to pass its check first. On the CPU build that is the CPU backend's <see cref="BackendSelfCheck"/>; on the CUDA build
/// (-p:Accelerator=cuda) it is the <see cref="GpuDeviceCheck"/> (a usable CUDA libtorch loaded, the configured device
/// answering, the reference network computed right on it), and the CPU self-check is skipped. When the check fails the
/// process refuses every worker (so it never polls the GPU queue) and keeps serving the API, and /readyz says why
/// (docs/adr/0021-cpu-backend-self-check.md, docs/adr/0003-accelerator-switch.md).
/// </summary>
/// <param name="Role">The process's role.</param>
/// <param name="Check">The CPU self-check, for roles that run TorchSharp on the CPU build; null otherwise.</param>
/// <param name="Gpu">The GPU device check, for roles that run TorchSharp on the CUDA build; null otherwise.</param>
public sealed record WorkerBackendStatus(ProcessRole Role, BackendCheckResult? Check, GpuCheckResult? Gpu = null)
{
    /// <summary>Whether the workers of this process are refused.</summary>
    public bool Refused => Check is { Passed: false } || Gpu is { Passed: false };

    /// <summary>
    /// The status for <paramref name="role"/>: <paramref name="check"/> runs only for roles that run TorchSharp on a
    /// CPU build, <paramref name="gpuCheck"/> only for those on a CUDA build (<paramref name="builtFor"/>, by default
    /// <see cref="ComputeDevice.BuiltFor"/>).
    /// </summary>
    public static WorkerBackendStatus For(ProcessRole role, Func<BackendCheckResult> check, Func<GpuCheckResult>? gpuCheck = null, string builtFor = ComputeDevice.BuiltFor)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (role is not (ProcessRole.All or ProcessRole.GpuWorker))
        {
            return new(role, null);
        }

        return builtFor == "cuda"
            ? new(role, null, (gpuCheck ?? throw new ArgumentNullException(nameof(gpuCheck), "A CUDA build checks its GPU.")).Invoke())
            : new(role, check());
    }

    /// <summary>The one line for the log and /readyz.</summary>
    public string Describe() => (Check, Gpu) switch
    {
        ({ Passed: false } cpu, _) => $"worker roles refused: {cpu.RefusalMessage}",
        (_, { Passed: false } gpu) => $"worker roles refused: {gpu.Describe()}; the GPU queue is not polled (docs/gpu.md)",
        ({ } cpu, _) => $"role {Role}: CPU backend {cpu.Describe()}",
        (_, { } gpu) => $"role {Role}: GPU {gpu.Describe()}",
        _ => $"role {Role}: no TorchSharp workers in this process",
    };
}

/// <summary>Says once, at start, that this process refuses its workers and why.</summary>
internal sealed partial class WorkerRefusalNotice(WorkerBackendStatus status, ILogger<WorkerRefusalNotice> logger) : IHostedService
{
    private readonly string _line = status.Describe();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Refused(logger, _line);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Refusal}")]
    private static partial void Refused(ILogger logger, string refusal);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
