using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Ml.Devices;

namespace Orchestrator.Hosting.Workers;

/// <summary>
/// Whether this process may host its workers: a role that runs TorchSharp (all, gpu-worker) needs a CPU
/// backend that passed <see cref="BackendSelfCheck"/>; otherwise the process refuses every worker and keeps
/// serving the API, and /readyz says why (docs/adr/0021-cpu-backend-self-check.md).
/// </summary>
/// <param name="Role">The process's role.</param>
/// <param name="Check">The self-check, for roles that run TorchSharp; null otherwise.</param>
public sealed record WorkerBackendStatus(ProcessRole Role, BackendCheckResult? Check)
{
    /// <summary>Whether the workers of this process are refused.</summary>
    public bool Refused => Check is { Passed: false };

    /// <summary>The status for <paramref name="role"/>; <paramref name="check"/> runs only for roles that run TorchSharp.</summary>
    public static WorkerBackendStatus For(ProcessRole role, Func<BackendCheckResult> check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return new(role, role is ProcessRole.All or ProcessRole.GpuWorker ? check() : null);
    }

    /// <summary>The one line for the log and /readyz.</summary>
    public string Describe() => Check switch
    {
        null => $"role {Role}: no TorchSharp workers in this process",
        { Passed: true } => $"role {Role}: CPU backend {Check.Describe()}",
        _ => $"worker roles refused: {Check.RefusalMessage}",
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
