using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Orchestrator.Api.Identity;
using Orchestrator.Testing;
using Orchestrator.Testing.Temporal;

namespace Orchestrator.Demo.Tests;

/// <summary>
/// The service as `./run.sh` serves it (API and workers in one process, role all), in-process on the
/// fixtures' PostgreSQL, Azurite and embedded Temporal server, with its own development signing key in a
/// file (what `demo --key-path` reads).
/// </summary>
public sealed class DemoService : WebApplicationFactory<AuthOptions>, IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private readonly TemporalEnvironment _temporal = new();
    private readonly string _id = Guid.NewGuid().ToString("N")[..12];
    private string _blob = "";

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"orchestrator-demo-tests-{Guid.NewGuid():N}");

    /// <summary>The development signing key (base64) the service validates tokens with.</summary>
    public string KeyPath => Path.Combine(Directory, "dev-signing.key");

    /// <summary>Where the demo writes its bundles.</summary>
    public string Output => Path.Combine(Directory, "demo");

    public async ValueTask InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        await File.WriteAllTextAsync(KeyPath, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        await _database.InitializeAsync();
        await _temporal.InitializeAsync();
        _blob = await TestServers.BlobAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Orchestrator:Auth:DevelopmentKeyPath", KeyPath);
        builder.UseSetting("Orchestrator:Telemetry:Exporter", "none");
        builder.UseSetting("Orchestrator:Role", "all");
        builder.UseSetting("Orchestrator:Postgres:ConnectionString", _database.ConnectionString);
        builder.UseSetting("Orchestrator:Blob:ConnectionString", _blob);
        builder.UseSetting("Orchestrator:Blob:Container", $"demo-{_id}");
        builder.UseSetting("Orchestrator:Temporal:Address", _temporal.Client.Connection.Options.TargetHost);
        builder.UseSetting("Orchestrator:Temporal:TaskQueue", $"demo-cpu-{_id}");
        builder.UseSetting("Orchestrator:Temporal:GpuTaskQueue", $"demo-gpu-{_id}");
        builder.UseSetting("Orchestrator:Temporal:GracefulShutdownTimeout", "00:00:00");
        builder.UseSetting("Orchestrator:Audit:CheckpointSigningKeyPath", Path.Combine(Directory, "checkpoint.pem"));
        builder.UseSetting("Orchestrator:Audit:GenerateDevelopmentKey", "true");
        builder.UseSetting("Orchestrator:Audit:ExportDirectory", Path.Combine(Directory, "exports"));
        builder.UseSetting("Orchestrator:Worker:Identity", $"demo-tests-{_id}");
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
        await _temporal.DisposeAsync();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
