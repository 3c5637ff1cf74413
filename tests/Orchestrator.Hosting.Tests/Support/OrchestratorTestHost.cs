using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Hosting.Workers;
using Orchestrator.Testing;
using Orchestrator.Testing.Temporal;
using Orchestrator.Workflows.Lifecycle;

namespace Orchestrator.Hosting.Tests.Support;

/// <summary>
/// A worker process as production builds it (<see cref="TemporalHosting.AddOrchestratorTemporal"/>), configured
/// for one test class: its own task queues, ledger schema, blob container and a small test policy.
/// </summary>
public sealed class OrchestratorTestHost : IAsyncDisposable
{
    private OrchestratorTestHost(IHost host, StageQueues queues, string policyDirectory)
    {
        Host = host;
        Queues = queues;
        PolicyDirectory = policyDirectory;
    }

    public IHost Host { get; }

    /// <summary>The queues this host's workers poll; runs must be started with them.</summary>
    public StageQueues Queues { get; }

    public string PolicyDirectory { get; }

    public IServiceProvider Services => Host.Services;

    /// <summary>Builds and starts a host with <paramref name="role"/>; <paramref name="settings"/> override the defaults.</summary>
    public static async Task<OrchestratorTestHost> StartAsync(
        TemporalEnvironment temporal, PostgresDatabase database, BlobContainer blob, string role = "all",
        IReadOnlyDictionary<string, string?>? settings = null, StageQueues? queues = null, Action<IServiceCollection>? configure = null)
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        queues ??= new StageQueues($"cpu-{id}", $"gpu-{id}");
        var directory = Directory.CreateTempSubdirectory("orchestrator-host-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "test.v1.json"), TestPolicy.Json, TestContext.Current.CancellationToken);
        var values = new Dictionary<string, string?>
        {
            [TemporalHosting.RoleSetting] = role,
            ["Orchestrator:Temporal:Address"] = temporal.Client.Connection.Options.TargetHost,
            ["Orchestrator:Temporal:TaskQueue"] = queues.Default,
            ["Orchestrator:Temporal:GpuTaskQueue"] = queues.Gpu,
            ["Orchestrator:Temporal:GracefulShutdownTimeout"] = "00:00:05",
            ["Orchestrator:Postgres:ConnectionString"] = database.ConnectionString,
            ["Orchestrator:Audit:Schema"] = "audit_" + id,
            ["Orchestrator:Audit:InstallSchema"] = "true",
            ["Orchestrator:Audit:CheckpointSigningKeyPath"] = Path.Combine(directory, "checkpoint.pem"),
            ["Orchestrator:Audit:GenerateDevelopmentKey"] = "true",
            ["Orchestrator:Audit:CheckpointInterval"] = "00:00:00",
            ["Orchestrator:Blob:ConnectionString"] = blob.ConnectionString,
            ["Orchestrator:Blob:Container"] = blob.Name,
            ["Orchestrator:Policies:Directory"] = directory,
            ["Orchestrator:Worker:Identity"] = "test-worker-" + id,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(values);
        builder.Services.AddLogging();
        builder.AddOrchestratorTemporal();
        configure?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new OrchestratorTestHost(host, queues, directory);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync(CancellationToken.None);
        Host.Dispose();
        Directory.Delete(PolicyDirectory, recursive: true);
    }
}
