using System.Text.Json;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;

namespace Orchestrator.Api.Hosting;

/// <summary>
/// /readyz: the service is ready when PostgreSQL, Blob Storage and Temporal all answer. A missing
/// setting is reported by name, so an operator sees what to configure.
/// </summary>
public sealed class ReadinessProbes(IConfiguration configuration) : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);
    private readonly SemaphoreSlim _temporalLock = new(1, 1);
    private TemporalConnection? _temporal;

    private string? Setting(string key) => configuration[key] is { Length: > 0 } value ? value : null;

    private static HealthCheckResult Missing(string key) => HealthCheckResult.Unhealthy($"{key} is not configured");

    public sealed class Postgres(ReadinessProbes probes) : IHealthCheck
    {
        private const string Key = "Orchestrator:Postgres:ConnectionString";

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (probes.Setting(Key) is not { } connectionString) { return Missing(Key); }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(timeout.Token);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy();
        }
    }

    public sealed class BlobStorage(ReadinessProbes probes) : IHealthCheck
    {
        private const string Key = "Orchestrator:Blob:ConnectionString";

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (probes.Setting(Key) is not { } connectionString) { return Missing(Key); }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            var client = new BlobServiceClient(connectionString);
            await client.GetPropertiesAsync(timeout.Token);
            return HealthCheckResult.Healthy();
        }
    }

    public sealed class Temporal(ReadinessProbes probes) : IHealthCheck
    {
        private const string Key = "Orchestrator:Temporal:Address";

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (probes.Setting(Key) is not { } address) { return Missing(Key); }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            var connection = await probes.TemporalConnectionAsync(address);
            // GetSystemInfo rather than gRPC health: every Temporal frontend answers it, the embedded server included.
            await connection.WorkflowService.GetSystemInfoAsync(new GetSystemInfoRequest(), new RpcOptions { CancellationToken = timeout.Token });
            return HealthCheckResult.Healthy();
        }
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

    /// <summary>{"status": "...", "checks": {"postgres": {"status": "...", "detail": "..."}, ...}}</summary>
    public static Task WriteReportAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
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
