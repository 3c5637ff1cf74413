using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orchestrator.Hosting.Workers;
using Orchestrator.Ml.Devices;
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

    [Theory]
    [InlineData("all")]
    [InlineData("gpu-worker")]
    public void AddOrchestratorTemporal_BackendFailsItsSelfCheck_RefusesEveryWorkerAndSaysWhy(string role)
    {
        // A reference that no backend can meet: the check fails as it does on a host whose kernels are wrong.
        var failing = BackendSelfCheck.Run(reference => reference["input gradient"][0] += 1);
        using var host = Build(new() { ["Orchestrator:Role"] = role, ["Orchestrator:Temporal:Address"] = "127.0.0.1:1" }, () => failing);

        var status = host.Services.GetRequiredService<WorkerBackendStatus>();
        status.Refused.ShouldBeTrue();
        status.Describe().ShouldStartWith("worker roles refused: the CPU backend failed its numerical self-check (input gradient off by");
        status.Describe().ShouldContain("DNNL_MAX_CPU_ISA");
        // The client stays (the API keeps serving); the only hosted service is the notice, no Temporal worker.
        host.Services.GetRequiredService<ITemporalClient>().ShouldNotBeNull();
        host.Services.GetServices<IHostedService>().ShouldHaveSingleItem().GetType().Name.ShouldBe("WorkerRefusalNotice");
    }

    [Fact]
    public void AddOrchestratorTemporal_CpuWorkerRole_RunsNoSelfCheck()
    {
        using var host = Build(new() { ["Orchestrator:Role"] = "cpu-worker", ["Orchestrator:Temporal:Address"] = "127.0.0.1:1" },
            () => throw new InvalidOperationException("a role without TorchSharp must not run the check"));

        host.Services.GetRequiredService<WorkerBackendStatus>().Check.ShouldBeNull();
    }

    [Fact]
    public void AddOrchestratorTemporal_BackendPasses_HostsTheWorkers()
    {
        var passing = BackendSelfCheck.Run();
        passing.Passed.ShouldBeTrue(passing.Passed ? "" : passing.RefusalMessage);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Orchestrator:Role"] = "all", ["Orchestrator:Temporal:Address"] = "127.0.0.1:1" });

        builder.AddOrchestratorTemporal(() => passing);

        // Not resolved: the workers would need the ledger's settings. Registered: the CPU and GPU workers (and the activities' services), no notice.
        var hosted = builder.Services.Where(d => d.ServiceType == typeof(IHostedService)).ToList();
        hosted.Count.ShouldBeGreaterThanOrEqualTo(2);
        hosted.ShouldNotContain(d => d.ImplementationType != null && d.ImplementationType.Name == "WorkerRefusalNotice");
    }

    private static IHost Build(Dictionary<string, string?> settings, Func<BackendCheckResult>? backendCheck = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddOrchestratorTemporal(backendCheck);
        return builder.Build();
    }
}
