using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orchestrator.Hosting.Workers;
using Temporalio.Client;

namespace Orchestrator.Hosting.Tests.Workers;

public sealed class TemporalHostingTests
{
    [Theory]
    [InlineData(null, ProcessRole.All)]
    [InlineData("", ProcessRole.All)]
    [InlineData("api", ProcessRole.Api)]
    [InlineData("CPU-Worker", ProcessRole.CpuWorker)]
    [InlineData("gpu-worker", ProcessRole.GpuWorker)]
    public void Role_KnownSetting_Parses(string? setting, ProcessRole expected) => TemporalHosting.Role(setting).ShouldBe(expected);

    [Fact]
    public void Role_UnknownSetting_NamesTheSettingAndTheChoices() =>
        Should.Throw<InvalidOperationException>(() => TemporalHosting.Role("worker")).Message.ShouldContain("Orchestrator:Role 'worker'");

    [Fact]
    public void AddOrchestratorTemporal_ApiRole_RegistersTheClientAndNoWorkers()
    {
        using var host = Build(new() { ["Orchestrator:Role"] = "api", ["Orchestrator:Temporal:Address"] = "127.0.0.1:1" });

        host.Services.GetRequiredService<ITemporalClient>().Connection.Options.TargetHost.ShouldBe("127.0.0.1:1");
        host.Services.GetServices<IHostedService>().ShouldBeEmpty();
    }

    [Fact]
    public void AddOrchestratorTemporal_NoAddress_FailsNamingTheSetting()
    {
        var previous = Environment.GetEnvironmentVariable("TEMPORAL_ADDRESS");
        using var host = Build(new() { ["Orchestrator:Role"] = "api", ["Orchestrator:Temporal:Address"] = "" });

        if (previous is null)
        {
            Should.Throw<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<TemporalHostingOptions>>().Value)
                .Message.ShouldContain("Orchestrator:Temporal:Address is required");
        }
        else
        {
            host.Services.GetRequiredService<IOptions<TemporalHostingOptions>>().Value.ResolvedAddress.ShouldBe(previous);
        }
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddOrchestratorTemporal();
        return builder.Build();
    }
}
