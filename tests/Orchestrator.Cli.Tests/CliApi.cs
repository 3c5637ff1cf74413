using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.IdentityModel.Tokens;
using Orchestrator.Client;
using Orchestrator.Testing.Service;

namespace Orchestrator.Cli.Tests;

/// <summary>The API in-process on real PostgreSQL, Azurite and Temporal, for the CLI to talk to; its signing key is in a file the CLI's dev token reads.</summary>
public sealed class CliApi() : ServiceFactory("cli")
{
    private readonly SymmetricSecurityKey _key = new(RandomNumberGenerator.GetBytes(32));

    /// <summary>The signing key, base64 in a file (what `dev token --key-path` reads).</summary>
    public string KeyPath => Path.Combine(StateDirectory, "dev-signing.key");

    public string Token(string user, params string[] roles) => DevelopmentTokens.Mint(_key, DevelopmentTokens.DefaultIssuer, DevelopmentTokens.DefaultAudience, user, roles, TimeSpan.FromMinutes(10));

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await File.WriteAllTextAsync(KeyPath, Convert.ToBase64String(_key.Key));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Orchestrator:Auth:SigningKey", Convert.ToBase64String(_key.Key));
        builder.UseSetting("Orchestrator:Blob:Container", $"cli-{Guid.NewGuid():N}");
        builder.UseSetting("Orchestrator:Temporal:TaskQueue", $"cli-tests-{Guid.NewGuid():N}");
        builder.UseSetting("Orchestrator:Role", "api");
    }
}
