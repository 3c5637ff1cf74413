using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Orchestrator.Testing.Service;

namespace Orchestrator.Demo.Tests;

/// <summary>
/// The service as `./run.sh` serves it (API and workers in one process, role all), in-process on the
/// fixtures' PostgreSQL, Azurite and embedded Temporal server, with its own development signing key in a
/// file (what `demo --key-path` reads).
/// </summary>
public sealed class DemoService() : ServiceFactory("demo")
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..12];

    /// <summary>The development signing key (base64) the service validates tokens with.</summary>
    public string KeyPath => Path.Combine(StateDirectory, "dev-signing.key");

    /// <summary>Where the demo writes its bundles.</summary>
    public string Output => Path.Combine(StateDirectory, "demo");

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await File.WriteAllTextAsync(KeyPath, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Orchestrator:Auth:DevelopmentKeyPath", KeyPath);
        builder.UseSetting("Orchestrator:Role", "all");
        builder.UseSetting("Orchestrator:Blob:Container", $"demo-{_id}");
        builder.UseSetting("Orchestrator:Temporal:TaskQueue", $"demo-cpu-{_id}");
        builder.UseSetting("Orchestrator:Temporal:GpuTaskQueue", $"demo-gpu-{_id}");
        builder.UseSetting("Orchestrator:Temporal:GracefulShutdownTimeout", "00:00:00");
        builder.UseSetting("Orchestrator:Worker:Identity", $"demo-tests-{_id}");
    }
}
