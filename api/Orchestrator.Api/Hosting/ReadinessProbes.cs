using System.Text.Json;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Orchestrator.Hosting.Workers;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;

namespace Orchestrator.Api.Hosting;

/// <summary>
/// /readyz: the service is ready when PostgreSQL, Blob Storage and Temporal all answer and its workers
/// were not refused by the CPU backend self-check. A missing setting is reported by name, so an operator
/// sees what to configure.
/// </summary>
public sealed class ReadinessProbes(IConfiguration configuration) : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);
    private readonly SemaphoreSlim _temporalLock = new(1, 1);
    private TemporalConnection? _temporal;

    /// <summary>Runs <paramref name="probe"/> on the setting <paramref name="key"/> within the timeout; a missing setting is named.</summary>
    private async Task<HealthCheckResult> ProbeAsync(string key, Func<string, CancellationToken, Task> probe, CancellationToken cancellationToken)
    {
        if (configuration[key] is not { Length: > 0 } value)
        {
            return HealthCheckResult.Unhealthy($"{key} is not configured");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        await probe(value, timeout.Token);
        return HealthCheckResult.Healthy();
    }

    public sealed class Postgres(ReadinessProbes probes) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            probes.ProbeAsync("Orchestrator:Postgres:ConnectionString", async (connectionString, token) =>
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(token);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(token);
            }, cancellationToken);
    }

    public sealed class BlobStorage(ReadinessProbes probes) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            probes.ProbeAsync("Orchestrator:Blob:ConnectionString",
                (connectionString, token) => new BlobServiceClient(connectionString).GetPropertiesAsync(token), cancellationToken);
    }

    public sealed class Temporal(ReadinessProbes probes) : IHealthCheck
    {
        // GetSystemInfo rather than gRPC health: every Temporal frontend answers it, the embedded server included.
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            probes.ProbeAsync("Orchestrator:Temporal:Address", async (address, token) =>
            {
                var connection = await probes.TemporalConnectionAsync(address);
                await connection.WorkflowService.GetSystemInfoAsync(new GetSystemInfoRequest(), new RpcOptions { CancellationToken = token });
            }, cancellationToken);
    }

    /// <summary>
    /// Whether this process's workers run: healthy when the role hosts none that use TorchSharp or the CPU
    /// backend passed its self-check; unhealthy, with the refusal and its fix, when the workers were refused.
    /// </summary>
    public sealed class Compute(WorkerBackendStatus status) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(status.Refused ? HealthCheckResult.Unhealthy(status.Describe()) : HealthCheckResult.Healthy(status.Describe()));
    }

    private async Task<TemporalConnection> TemporalConnectionAsync(string address)
    {
        await _temporalLock.WaitAsync();
        try
        {
            return _temporal ??= await TemporalConnection.ConnectAsync(new TemporalConnectionOptions(address));
        }
        finally
        {
            _temporalLock.Release();
        }
    }

    /// <summary>
    /// {"status": "..."} to anyone (load balancers need no token); {"status": "...", "checks": {"postgres": {"status": "...",
    /// "detail": "..."}, ...}} only to a caller with a valid token, since the details name hosts, settings and errors.
    /// </summary>
    public static Task WriteReportAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        if (context.User.Identity?.IsAuthenticated != true)
        {
            return JsonSerializer.SerializeAsync(context.Response.Body, new { status = report.Status.ToString() }, cancellationToken: context.RequestAborted);
        }

        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                detail = e.Value.Description ?? e.Value.Exception?.Message,
            }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, cancellationToken: context.RequestAborted);
    }

    public ValueTask DisposeAsync()
    {
        _temporalLock.Dispose();
        return ValueTask.CompletedTask;
    }
}
