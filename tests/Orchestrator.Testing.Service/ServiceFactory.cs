using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Orchestrator.Api.Identity;
using Orchestrator.Testing.Temporal;
using Temporalio.Client;
using Xunit;

namespace Orchestrator.Testing.Service;

/// <summary>
/// The service in-process against the real servers: its own PostgreSQL database, the Azurite account, a
/// Temporal endpoint (the embedded server unless TEMPORAL_ADDRESS is set) and a temporary state directory
/// for its checkpoint key and exports. Subclasses add their role, signing key and queues.
/// </summary>
/// <remarks>Any public class of the API assembly names its entry point; AuthOptions is one.</remarks>
public abstract class ServiceFactory : WebApplicationFactory<AuthOptions>, IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private readonly TemporalEnvironment _temporal = new();

    /// <param name="name">Names the state directory (orchestrator-{name}-tests-...).</param>
    protected ServiceFactory(string name) => StateDirectory = Path.Combine(Path.GetTempPath(), $"orchestrator-{name}-tests-{Guid.NewGuid():N}");

    /// <summary>Where this service keeps files (checkpoint key, exports); deleted on dispose.</summary>
    public string StateDirectory { get; }

    public string PostgresConnectionString => _database.ConnectionString;

    public string BlobConnectionString { get; private set; } = "";

    /// <summary>This service's container for the checkpoint copies kept outside the database (on the Azurite account; deleted on dispose).</summary>
    public string AnchorContainer { get; } = $"anchors-{Guid.NewGuid():N}";

    /// <summary>A client of the Temporal server the service talks to.</summary>
    public ITemporalClient Temporal => _temporal.Client;

    public virtual async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(StateDirectory);
        await _database.InitializeAsync();
        await _temporal.InitializeAsync();
        BlobConnectionString = await TestServers.BlobAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Orchestrator:Telemetry:Exporter", "none");
        builder.UseSetting("Orchestrator:Postgres:ConnectionString", PostgresConnectionString);
        builder.UseSetting("Orchestrator:Blob:ConnectionString", BlobConnectionString);
        builder.UseSetting("Orchestrator:Temporal:Address", Temporal.Connection.Options.TargetHost);
        builder.UseSetting("Orchestrator:Audit:CheckpointSigningKeyPath", Path.Combine(StateDirectory, "checkpoint.pem"));
        builder.UseSetting("Orchestrator:Audit:GenerateDevelopmentKey", "true");
        builder.UseSetting("Orchestrator:Audit:ExportDirectory", Path.Combine(StateDirectory, "exports"));
        // Named explicitly (Production requires it; elsewhere it would fall back to the artifacts' account anyway).
        builder.UseSetting("Orchestrator:Audit:Anchors:ConnectionString", BlobConnectionString);
        builder.UseSetting("Orchestrator:Audit:Anchors:Container", AnchorContainer);
        // Tests drive volume through one identity (the demo's canary traffic, the fuzz tests' hostile bodies): the
        // per-identity budgets are set far above it here; the tests of the limits themselves set their own.
        foreach (var budget in new[] { "Predict", "Work" })
        {
            builder.UseSetting($"Orchestrator:RateLimits:{budget}:PermitsPerMinute", "1000000");
            builder.UseSetting($"Orchestrator:RateLimits:{budget}:Burst", "100000");
        }

        builder.UseSetting("Orchestrator:Audit:ExportQuota:PerDay", "100000");
    }

    /// <summary>What a subclass removes besides the database and the state directory (e.g. its blob container).</summary>
    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await CleanUpAsync();
        if (BlobConnectionString.Length > 0)
        {
            await new Azure.Storage.Blobs.BlobContainerClient(BlobConnectionString, AnchorContainer).DeleteIfExistsAsync();
        }

        await _database.DisposeAsync();
        await _temporal.DisposeAsync();
        if (Directory.Exists(StateDirectory))
        {
            Directory.Delete(StateDirectory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}
