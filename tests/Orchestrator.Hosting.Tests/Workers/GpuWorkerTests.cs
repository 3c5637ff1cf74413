using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestrator.Activities.Hosting;
using Orchestrator.Hosting.Workers;
using Orchestrator.Ml.Devices;
using Temporalio.Client;

namespace Orchestrator.Hosting.Tests.Workers;

/// <summary>The GPU worker's gate and telemetry, with the CUDA build's device check simulated (no GPU here).</summary>
public sealed class GpuWorkerTests
{
    private static BackendCheckResult NoCpuCheck() => throw new InvalidOperationException("the CUDA build skips the CPU self-check");

    private static GpuCheckResult NoGpuCheck() => throw new InvalidOperationException("the CPU build runs no GPU check");

    private static readonly GpuCheckResult NoLibtorch = new(false, "device=cuda",
        "no usable CUDA libtorch for TorchSharp (built for libtorch 2.10): python3: no torch module; set Orchestrator:Gpu:LibTorchPath ...");

    [Theory]
    [InlineData(ProcessRole.All)]
    [InlineData(ProcessRole.GpuWorker)]
    public void For_CudaBuildWhoseDeviceCheckFails_RefusesTheWorkersAndNeverRunsTheCpuCheck(ProcessRole role)
    {
        var status = WorkerBackendStatus.For(role, NoCpuCheck, () => NoLibtorch, builtFor: "cuda");

        status.Refused.ShouldBeTrue();
        status.Check.ShouldBeNull();
        status.Describe().ShouldBe($"worker roles refused: the GPU device check failed: {NoLibtorch.Refusal}; the GPU queue is not polled (docs/gpu.md)");
    }

    [Fact]
    public void For_CudaBuildWhoseDevicePasses_HostsTheWorkers()
    {
        var passed = new GpuCheckResult(true, "maxerr=3e-07 device=cuda:0 gpu=\"NVIDIA H200\"", "");

        var status = WorkerBackendStatus.For(ProcessRole.GpuWorker, NoCpuCheck, () => passed, builtFor: "cuda");

        status.Refused.ShouldBeFalse();
        status.Describe().ShouldBe("role GpuWorker: GPU selfcheck=passed maxerr=3e-07 device=cuda:0 gpu=\"NVIDIA H200\"");
    }

    [Fact]
    public void For_CpuBuild_RunsTheCpuCheckAndNoGpuCheck()
    {
        var passing = BackendSelfCheck.Run();

        var status = WorkerBackendStatus.For(ProcessRole.GpuWorker, () => passing, NoGpuCheck, builtFor: "cpu");

        (status.Check, status.Gpu).ShouldBe((passing, null));
    }

    [Fact]
    public void For_RoleWithoutTorchSharp_RunsNoCheckAtAll() =>
        WorkerBackendStatus.For(ProcessRole.CpuWorker, NoCpuCheck, NoGpuCheck, builtFor: "cuda").ShouldBe(new WorkerBackendStatus(ProcessRole.CpuWorker, null));

    [Fact]
    public void AddOrchestratorTemporal_GpuCheckFailsOnTheCudaBuild_NoWorkerPollsTheGpuQueue()
    {
        if (!ComputeDevice.IsCudaBuild)
        {
            Assert.Skip("the CPU build runs the CPU self-check (TemporalHostingTests); For_CudaBuild* cover the CUDA build's decision");
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Orchestrator:Role"] = "gpu-worker", ["Orchestrator:Temporal:Address"] = "127.0.0.1:1" });

        builder.AddOrchestratorTemporal(NoCpuCheck, () => NoLibtorch);

        using var host = builder.Build();
        host.Services.GetRequiredService<ITemporalClient>().ShouldNotBeNull();
        host.Services.GetServices<IHostedService>().ShouldHaveSingleItem().GetType().Name.ShouldBe("WorkerRefusalNotice");
    }

    [Fact]
    public async Task GpuTelemetry_NoNvml_StartsWithoutGaugesAndWithoutFailing()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        using var host = builder.Build();
        var meters = host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        var identity = Options.Create(new WorkerIdentityOptions { Identity = "w1" });
        using var telemetry = new GpuTelemetry(meters, Options.Create(new GpuOptions()), identity, NullLogger<GpuTelemetry>.Instance)
        {
            Library = "libnvidia-ml-absent.so.1",
        };

        await telemetry.StartAsync(TestContext.Current.CancellationToken);

        telemetry.Publishing.ShouldBeFalse();
        await telemetry.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public void AddOrchestratorTemporal_GpuWorkerRole_RegistersGpuTelemetryBesideTheWorker()
    {
        var passing = BackendSelfCheck.Run();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Orchestrator:Role"] = "gpu-worker", ["Orchestrator:Temporal:Address"] = "127.0.0.1:1" });

        builder.AddOrchestratorTemporal(() => passing, () => new GpuCheckResult(true, "device=cuda:0", ""));

        builder.Services.ShouldContain(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(GpuTelemetry));
    }
}
