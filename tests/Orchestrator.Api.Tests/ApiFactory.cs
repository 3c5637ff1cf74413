using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.IdentityModel.Tokens;
using Orchestrator.Api.Identity;
using Orchestrator.Testing;

namespace Orchestrator.Api.Tests;

/// <summary>The API in-process against the real PostgreSQL and Azurite, with a per-factory signing key.</summary>
/// <remarks>Any public class of the API assembly names its entry point; AuthOptions is one.</remarks>
public sealed class ApiFactory : WebApplicationFactory<AuthOptions>, IAsyncLifetime
{
    public const string Issuer = "orchestrator";
    public const string Audience = "orchestrator-api";

    public SymmetricSecurityKey SigningKey { get; } = new(RandomNumberGenerator.GetBytes(32));

    public string PostgresConnectionString { get; private set; } = "";

    public string BlobConnectionString { get; private set; } = "";

    /// <summary>Extra settings a test class wants (e.g. a Temporal address).</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    public async ValueTask InitializeAsync()
    {
        PostgresConnectionString = await TestServers.PostgresAsync();
        BlobConnectionString = await TestServers.BlobAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Orchestrator:Auth:SigningKey", Convert.ToBase64String(SigningKey.Key));
        builder.UseSetting("Orchestrator:Telemetry:Exporter", "none");
        builder.UseSetting("Orchestrator:Postgres:ConnectionString", PostgresConnectionString);
        builder.UseSetting("Orchestrator:Blob:ConnectionString", BlobConnectionString);
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

    public new async ValueTask DisposeAsync() => await base.DisposeAsync();
}
