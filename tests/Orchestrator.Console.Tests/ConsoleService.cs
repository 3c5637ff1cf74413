using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Testing.Service;

namespace Orchestrator.Console.Tests;

/// <summary>
/// The service as `./run.sh` serves it (API and workers in one process, role all, the Development environment whose
/// sign-in page the browser uses), on the fixtures' PostgreSQL, Azurite and embedded Temporal server, listening on
/// 127.0.0.1 on a free port so a real browser can reach it.
/// </summary>
/// <param name="environment">The host environment: Development (the Development sign-in exists) or another, where it must not.</param>
/// <param name="settings">More configuration (an identity provider, say), applied after the defaults.</param>
public sealed class ConsoleService(string environment = "Development", IReadOnlyDictionary<string, string>? settings = null) : ServiceFactory("console")
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..12];

    /// <summary>The development signing key (base64) the service validates tokens with.</summary>
    public string KeyPath => Path.Combine(StateDirectory, "dev-signing.key");

    /// <summary>Where the browser is pointed: http://127.0.0.1:port.</summary>
    public Uri Address { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await File.WriteAllTextAsync(KeyPath, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Address = new Uri(address);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment(environment);
        builder.UseSetting("Orchestrator:Auth:DevelopmentKeyPath", KeyPath);
        builder.UseSetting("Orchestrator:Role", environment == "Development" ? "all" : "api");
        builder.UseSetting("Orchestrator:Audit:InstallSchema", "true");
        builder.UseSetting("Orchestrator:Blob:Container", $"console-{_id}");
        builder.UseSetting("Orchestrator:Temporal:TaskQueue", $"console-cpu-{_id}");
        builder.UseSetting("Orchestrator:Temporal:GpuTaskQueue", $"console-gpu-{_id}");
        builder.UseSetting("Orchestrator:Temporal:GracefulShutdownTimeout", "00:00:00");
        builder.UseSetting("Orchestrator:Worker:Identity", $"console-tests-{_id}");
        builder.UseSetting("Orchestrator:Policies:Directory", Path.Combine(AppContext.BaseDirectory, "Policies"));
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
    }

    protected override async Task CleanUpAsync()
    {
        if (BlobConnectionString.Length > 0)
        {
            await new Azure.Storage.Blobs.BlobServiceClient(BlobConnectionString).GetBlobContainerClient($"console-{_id}").DeleteIfExistsAsync();
        }
    }
}
