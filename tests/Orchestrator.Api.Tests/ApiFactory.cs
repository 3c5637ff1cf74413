using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.IdentityModel.Tokens;
using Orchestrator.Api.Identity;
using Orchestrator.Testing;
using Orchestrator.Testing.Temporal;
using Temporalio.Client;

namespace Orchestrator.Api.Tests;

/// <summary>
/// The API in-process against the real PostgreSQL and Azurite, with a per-factory signing key, its own
/// database (the ledger schema is installed at start) and its own blob container and checkpoint key.
/// </summary>
/// <remarks>Any public class of the API assembly names its entry point; AuthOptions is one.</remarks>
public sealed class ApiFactory : WebApplicationFactory<AuthOptions>, IAsyncLifetime
{
    public const string Issuer = "orchestrator";
    public const string Audience = "orchestrator-api";

    public SymmetricSecurityKey SigningKey { get; } = new(RandomNumberGenerator.GetBytes(32));

    private readonly PostgresDatabase _database = new();
    private readonly TemporalEnvironment _temporal = new();
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), $"orchestrator-api-tests-{Guid.NewGuid():N}");

    public string PostgresConnectionString => _database.ConnectionString;

    public string BlobConnectionString { get; private set; } = "";

    /// <summary>This factory's artifact container.</summary>
    public string BlobContainerName { get; } = $"api-{Guid.NewGuid():N}";

    /// <summary>The task queue this factory's runs are started on (no worker polls it unless a test adds one).</summary>
    public string TaskQueue { get; } = $"api-tests-{Guid.NewGuid():N}";

    /// <summary>The GPU task queue of this factory's runs.</summary>
    public string GpuTaskQueue { get; } = $"api-tests-gpu-{Guid.NewGuid():N}";

    /// <summary>A client of the Temporal server the API talks to (the embedded one unless TEMPORAL_ADDRESS is set).</summary>
    public ITemporalClient Temporal => _temporal.Client;

    /// <summary>Where this factory keeps files (checkpoint key, exports).</summary>
    public string StateDirectory => _stateDirectory;

    /// <summary>Extra settings a test class wants (e.g. a Temporal address).</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        await _temporal.InitializeAsync();
        Directory.CreateDirectory(_stateDirectory);
        BlobConnectionString = await TestServers.BlobAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Orchestrator:Auth:SigningKey", Convert.ToBase64String(SigningKey.Key));
        builder.UseSetting("Orchestrator:Telemetry:Exporter", "none");
        builder.UseSetting("Orchestrator:Postgres:ConnectionString", PostgresConnectionString);
        builder.UseSetting("Orchestrator:Blob:ConnectionString", BlobConnectionString);
        builder.UseSetting("Orchestrator:Temporal:Address", _temporal.Client.Connection.Options.TargetHost);
        builder.UseSetting("Orchestrator:Temporal:TaskQueue", TaskQueue);
        builder.UseSetting("Orchestrator:Temporal:GpuTaskQueue", GpuTaskQueue);
        builder.UseSetting("Orchestrator:Role", "api");
        builder.UseSetting("Orchestrator:Blob:Container", BlobContainerName);
        builder.UseSetting("Orchestrator:Audit:CheckpointSigningKeyPath", Path.Combine(_stateDirectory, "checkpoint.pem"));
        builder.UseSetting("Orchestrator:Audit:GenerateDevelopmentKey", "true");
        builder.UseSetting("Orchestrator:Audit:InstallSchema", "true");
        builder.UseSetting("Orchestrator:Audit:ExportDirectory", Path.Combine(_stateDirectory, "exports"));
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A client whose requests carry a token for <paramref name="user"/> with <paramref name="roles"/>.</summary>
    public HttpClient ClientAs(string user, params string[] roles)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(user, roles));
        return client;
    }

    public string Token(string user, string[] roles, TimeSpan? lifetime = null, DateTime? now = null, SecurityKey? key = null) =>
        DevelopmentTokens.Mint(key ?? SigningKey, Issuer, Audience, user, roles, lifetime ?? TimeSpan.FromMinutes(10), now);

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
        await _temporal.DisposeAsync();
        if (BlobConnectionString.Length > 0)
        {
            await new Azure.Storage.Blobs.BlobServiceClient(BlobConnectionString).GetBlobContainerClient(BlobContainerName).DeleteIfExistsAsync();
        }

        if (Directory.Exists(_stateDirectory))
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
    }
}
