using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Ledger;
using Orchestrator.Hosting.Workers;
using Orchestrator.Testing;
using Orchestrator.Testing.Temporal;
using Orchestrator.Workflows.Lifecycle;
using Temporalio.Client;

namespace Orchestrator.EndToEnd.Tests.Support;

/// <summary>
/// One deployment of the service for one test: its own task queues, ledger schema, policy directory and
/// signing key on the class's PostgreSQL database and blob container. Processes of the deployment are hosts
/// built exactly as production builds them (<see cref="TemporalHosting.AddOrchestratorTemporal"/>) with a
/// role each, so a test can run everything in one host or stop the GPU worker alone.
/// </summary>
public sealed class E2eDeployment : IAsyncDisposable
{
    private readonly TemporalEnvironment _temporal;
    private readonly PostgresDatabase _database;
    private readonly BlobContainer _blob;
    private readonly string _id = Guid.NewGuid().ToString("N")[..12];
    private readonly List<IHost> _hosts = [];
    private readonly List<WorkerProcess> _processes = [];

    private E2eDeployment(TemporalEnvironment temporal, PostgresDatabase database, BlobContainer blob, string directory)
    {
        _temporal = temporal;
        _database = database;
        _blob = blob;
        Directory = directory;
        Queues = new StageQueues($"e2e-cpu-{_id}", $"e2e-gpu-{_id}");
    }

    /// <summary>The queues this deployment's workers poll; runs are started with them.</summary>
    public StageQueues Queues { get; }

    /// <summary>Holds the policy documents and the checkpoint signing key.</summary>
    public string Directory { get; }

    /// <summary>The first host's services (client, ledger, verifier).</summary>
    public IServiceProvider Services => _hosts.Count > 0 ? _hosts[0].Services : throw new InvalidOperationException("no host is running");

    public ITemporalClient Client => Services.GetRequiredService<ITemporalClient>();

    public IAuditLedger Ledger => Services.GetRequiredService<IAuditLedger>();

    /// <summary>The checkpoint signer's public key, for verification.</summary>
    public string PublicKeyPem => Services.GetRequiredService<CheckpointSigner>().PublicKeyPem;

    public static async Task<E2eDeployment> CreateAsync(TemporalEnvironment temporal, PostgresDatabase database, BlobContainer blob)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("orchestrator-e2e-").FullName;
        foreach (var (file, json) in E2ePolicies.Documents)
        {
            await File.WriteAllTextAsync(Path.Combine(directory, file), json, TestContext.Current.CancellationToken);
        }

        return new E2eDeployment(temporal, database, blob, directory);
    }

    /// <summary>Builds and starts a process of this deployment with <paramref name="role"/> (all, api, cpu-worker, gpu-worker).</summary>
    public async Task<IHost> StartHostAsync(string role = "all", string? name = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(Settings(role, name ?? $"{role}-{_hosts.Count}"));
        builder.Services.AddLogging();
        builder.AddOrchestratorTemporal();
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        _hosts.Add(host);
        return host;
    }

    /// <summary>Starts the service binary as a separate process of this deployment with <paramref name="role"/>; the test may kill it.</summary>
    public WorkerProcess StartProcess(string role, string name)
    {
        var settings = Settings(role, name);
        settings["Orchestrator:Auth:DevelopmentKeyPath"] = Path.Combine(Directory, "dev-signing.key");
        settings["Orchestrator:Telemetry:Exporter"] = "none";
        var process = WorkerProcess.Start(settings, Path.Combine(Directory, $"{name}.log"));
        _processes.Add(process);
        return process;
    }

    /// <summary>Stops <paramref name="host"/> without any grace: running activities are cancelled at once (the SDK may still report the
    /// cancelled attempt; <see cref="WorkerProcess.Kill"/> is the machine dying).</summary>
    public async Task KillAsync(IHost host)
    {
        using var now = new CancellationTokenSource();
        await now.CancelAsync();
        try
        {
            await host.StopAsync(now.Token);
        }
        catch (OperationCanceledException)
        {
            // Expected: the stop was asked to be immediate.
        }

        host.Dispose();
        _hosts.Remove(host);
    }

    private Dictionary<string, string?> Settings(string role, string name) => new()
    {
        [TemporalHosting.RoleSetting] = role,
        ["Orchestrator:Temporal:Address"] = _temporal.Client.Connection.Options.TargetHost,
        ["Orchestrator:Temporal:TaskQueue"] = Queues.Default,
        ["Orchestrator:Temporal:GpuTaskQueue"] = Queues.Gpu,
        ["Orchestrator:Temporal:GracefulShutdownTimeout"] = "00:00:00",
        // Heartbeats (checkpoints, and the cancellation that answers them) reach the server within a second.
        ["Orchestrator:Temporal:MaxHeartbeatThrottleInterval"] = "00:00:01",
        ["Orchestrator:Postgres:ConnectionString"] = _database.ConnectionString,
        ["Orchestrator:Audit:Schema"] = "e2e_" + _id,
        ["Orchestrator:Audit:InstallSchema"] = "true",
        ["Orchestrator:Audit:CheckpointSigningKeyPath"] = Path.Combine(Directory, "checkpoint.pem"),
        ["Orchestrator:Audit:GenerateDevelopmentKey"] = "true",
        // Hourly: no periodic checkpoint is taken during a test, and verification accepts the run's fresh entries as
        // an unanchored tail (with zero it would accept none).
        ["Orchestrator:Audit:CheckpointInterval"] = "01:00:00",
        ["Orchestrator:Blob:ConnectionString"] = _blob.ConnectionString,
        ["Orchestrator:Blob:Container"] = _blob.Name,
        ["Orchestrator:Policies:Directory"] = Directory,
        ["Orchestrator:Worker:Identity"] = $"e2e-{name}-{_id}",
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        foreach (var host in _hosts.AsEnumerable().Reverse())
        {
            await host.StopAsync(CancellationToken.None);
            host.Dispose();
        }

        _hosts.Clear();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
