using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.IdentityModel.Tokens;
using Orchestrator.Api.Identity;
using Orchestrator.Client;
using Orchestrator.Testing.Service;

namespace Orchestrator.Api.Tests;

/// <summary>
/// The API in-process against the real PostgreSQL and Azurite (<see cref="ServiceFactory"/>), with a
/// per-factory signing key, its own database (the ledger schema is installed at start) and its own blob
/// container and checkpoint key.
/// </summary>
public sealed class ApiFactory() : ServiceFactory("api")
{
    public const string Issuer = AuthOptions.DefaultIssuer;
    public const string Audience = AuthOptions.DefaultAudience;

    public SymmetricSecurityKey SigningKey { get; } = new(RandomNumberGenerator.GetBytes(32));

    /// <summary>This factory's artifact container.</summary>
    public string BlobContainerName { get; } = $"api-{Guid.NewGuid():N}";

    /// <summary>The task queue this factory's runs are started on (no worker polls it unless a test adds one).</summary>
    public string TaskQueue { get; } = $"api-tests-{Guid.NewGuid():N}";

    /// <summary>The GPU task queue of this factory's runs.</summary>
    public string GpuTaskQueue { get; } = $"api-tests-gpu-{Guid.NewGuid():N}";

    /// <summary>Extra settings a test class wants (e.g. a Temporal address).</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Orchestrator:Auth:SigningKey", Convert.ToBase64String(SigningKey.Key));
        builder.UseSetting("Orchestrator:Temporal:TaskQueue", TaskQueue);
        builder.UseSetting("Orchestrator:Temporal:GpuTaskQueue", GpuTaskQueue);
        builder.UseSetting("Orchestrator:Role", "api");
        builder.UseSetting("Orchestrator:Blob:Container", BlobContainerName);
        builder.UseSetting("Orchestrator:Audit:InstallSchema", "true");
        // No worker polls this factory's queues unless a test adds one: an approval would wait the whole default for its judgement.
        builder.UseSetting("Orchestrator:Approvals:JudgementWait", "00:00:01");
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

    protected override async Task CleanUpAsync()
    {
        if (BlobConnectionString.Length > 0)
        {
            await new Azure.Storage.Blobs.BlobServiceClient(BlobConnectionString).GetBlobContainerClient(BlobContainerName).DeleteIfExistsAsync();
        }
    }
}
