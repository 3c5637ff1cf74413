using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.IdentityModel.Tokens;
using Orchestrator.Api.Identity;
using Orchestrator.Testing;
using Orchestrator.Testing.Temporal;

namespace Orchestrator.Cli.Tests;

/// <summary>The API in-process on real PostgreSQL, Azurite and Temporal, for the CLI to talk to; its signing key is in a file the CLI's dev token reads.</summary>
public sealed class CliApi : WebApplicationFactory<AuthOptions>, IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private readonly TemporalEnvironment _temporal = new();
    private readonly SymmetricSecurityKey _key = new(RandomNumberGenerator.GetBytes(32));
    private string _blob = "";

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"orchestrator-cli-tests-{Guid.NewGuid():N}");

    /// <summary>The signing key, base64 in a file (what `dev token --key-path` reads).</summary>
    public string KeyPath => Path.Combine(Directory, "dev-signing.key");

    public string Token(string user, params string[] roles) => DevelopmentTokens.Mint(_key, "orchestrator", "orchestrator-api", user, roles, TimeSpan.FromMinutes(10));

    public async ValueTask InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        await File.WriteAllTextAsync(KeyPath, Convert.ToBase64String(_key.Key));
        await _database.InitializeAsync();
        await _temporal.InitializeAsync();
        _blob = await TestServers.BlobAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Orchestrator:Auth:SigningKey", Convert.ToBase64String(_key.Key));
        builder.UseSetting("Orchestrator:Telemetry:Exporter", "none");
        builder.UseSetting("Orchestrator:Postgres:ConnectionString", _database.ConnectionString);
        builder.UseSetting("Orchestrator:Blob:ConnectionString", _blob);
        builder.UseSetting("Orchestrator:Blob:Container", $"cli-{Guid.NewGuid():N}");
        builder.UseSetting("Orchestrator:Temporal:Address", _temporal.Client.Connection.Options.TargetHost);
        builder.UseSetting("Orchestrator:Temporal:TaskQueue", $"cli-tests-{Guid.NewGuid():N}");
        builder.UseSetting("Orchestrator:Role", "api");
        builder.UseSetting("Orchestrator:Audit:CheckpointSigningKeyPath", Path.Combine(Directory, "checkpoint.pem"));
        builder.UseSetting("Orchestrator:Audit:GenerateDevelopmentKey", "true");
        builder.UseSetting("Orchestrator:Audit:ExportDirectory", Path.Combine(Directory, "exports"));
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
