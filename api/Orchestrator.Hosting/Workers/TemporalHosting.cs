using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Activities.Hosting;
using Orchestrator.Hosting.Tracing;
using Orchestrator.Ml.Devices;
using Temporalio.Client;

namespace Orchestrator.Hosting.Workers;

/// <summary>The Temporal client and, by role, the workers of this process.</summary>
public static class TemporalHosting
{
    /// <summary>The setting naming this process's role: all (default), api, cpu-worker or gpu-worker.</summary>
    public const string RoleSetting = "Orchestrator:Role";

    /// <summary>
    /// Adds <see cref="ITemporalClient"/> (lazy: the process starts while Temporal is still coming up;
    /// carries the <see cref="TraceContextInterceptor"/>) and, unless the role is api, the activities' services and the hosted
    /// workers of the role: the CPU worker (every workflow plus the default queue's activities) and the GPU
    /// worker (train, export, evaluate) with its GPU telemetry. Replaces any ITemporalClient registered before. A role
    /// that runs TorchSharp hosts no worker at all when its device check fails: on the CPU build this process's
    /// <see cref="BackendSelfCheck"/>, on the CUDA build the <see cref="GpuDeviceCheck"/> of the "Orchestrator:Gpu" settings.
    /// It then logs why and keeps the API (<see cref="WorkerBackendStatus"/>); in particular the GPU queue is only
    /// polled by a process whose device passed.
    /// </summary>
    public static IHostApplicationBuilder AddOrchestratorTemporal(this IHostApplicationBuilder builder) => AddOrchestratorTemporal(builder, backendCheck: null);

    /// <inheritdoc cref="AddOrchestratorTemporal(IHostApplicationBuilder)"/>
    /// <param name="builder">The host.</param>
    /// <param name="backendCheck">The CPU backend self-check to decide on (tests pass their own; null: this process's).</param>
    /// <param name="gpuCheck">The GPU device check to decide on (tests pass their own; null: the configured device's).</param>
    /// <remarks>Kept apart from the parameterless overload so that a host calling that one never names Ml's check types (the API's dependency rule).</remarks>
    public static IHostApplicationBuilder AddOrchestratorTemporal(this IHostApplicationBuilder builder, Func<BackendCheckResult>? backendCheck,
        Func<GpuCheckResult>? gpuCheck = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var role = Role(builder.Configuration[RoleSetting]);
        var gpu = new GpuOptions();
        builder.Configuration.GetSection(GpuOptions.Section).Bind(gpu);
        var backend = WorkerBackendStatus.For(role, backendCheck ?? (() => BackendSelfCheck.Result), gpuCheck ?? (() => GpuDeviceCheck.Result(gpu)));
        services.RemoveAll<WorkerBackendStatus>();
        services.AddSingleton(backend);
        services.AddOptions<TemporalHostingOptions>().Bind(builder.Configuration.GetSection(TemporalHostingOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TemporalHostingOptions>, TemporalHostingOptions.Validator>());
        services.TryAddSingleton<TraceContextInterceptor>();
        services.RemoveAll<ITemporalClient>();
        services.AddSingleton<ITemporalClient>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<TemporalHostingOptions>>().Value;
            var address = o.ResolvedAddress ?? throw new InvalidOperationException(
                $"{TemporalHostingOptions.Section}:Address is required (host:port of a Temporal frontend; or set TEMPORAL_ADDRESS).");
            return TemporalClient.CreateLazy(new TemporalClientConnectOptions(address)
            {
                Namespace = o.Namespace,
                LoggerFactory = sp.GetService<ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
                // Client interceptors that are also worker interceptors apply to this client's workers too.
                Interceptors = [sp.GetRequiredService<TraceContextInterceptor>()],
            });
        });

        if (role == ProcessRole.Api)
        {
            return builder;
        }

        if (backend.Refused)
        {
            services.AddHostedService<WorkerRefusalNotice>();
            return builder;
        }

        services.AddOrchestratorActivities(builder.Configuration);
        if (!builder.Environment.IsProduction())
        {
            services.PostConfigure<LocalDataOptions>(o =>
            {
                if (o.LocalRoots.Count == 0)
                {
                    o.LocalRoots.AddRange(LocalDataOptions.DevelopmentRoots());
                }
            });
        }

        var settings = new TemporalHostingOptions();
        builder.Configuration.GetSection(TemporalHostingOptions.Section).Bind(settings);
        if (role is ProcessRole.All or ProcessRole.CpuWorker)
        {
            services.AddOrchestratorWorker(settings.TaskQueue, ActivityPool.Cpu, withWorkflows: true);
        }

        if (role is ProcessRole.All or ProcessRole.GpuWorker)
        {
            services.AddOrchestratorWorker(settings.GpuTaskQueue, ActivityPool.Gpu, withWorkflows: false);
            services.AddHostedService<GpuTelemetry>();
        }

        // The host must wait longer than the workers' grace period, or it kills them mid-checkpoint.
        services.Configure<HostOptions>(h => h.ShutdownTimeout = Max(h.ShutdownTimeout, settings.GracefulShutdownTimeout + TimeSpan.FromSeconds(10)));
        return builder;
    }

    /// <summary>
    /// The launchers' probe (infra/lib.sh): when <paramref name="args"/> is the single <see cref="BackendSelfCheck.Argument"/>,
    /// runs libtorch's numerical self-check in this process, prints its one line and returns true with the exit code;
    /// the host then exits without starting (docs/adr/0021-cpu-backend-self-check.md).
    /// </summary>
    public static bool TryRunSelfCheck(string[] args, out int exitCode)
    {
        exitCode = args is [BackendSelfCheck.Argument] ? BackendSelfCheck.RunFromCommandLine(Console.Out, Console.Error) : 0;
        return args is [BackendSelfCheck.Argument];
    }

    /// <summary>
    /// The GPU host check (infra/gpu/check.sh): when <paramref name="args"/> is the single <see cref="GpuDeviceCheck.Argument"/>,
    /// checks that CUDA libtorch is found and loaded and that the device answers and computes right, prints the result
    /// and returns true with the exit code; the host then exits without starting (docs/gpu.md).
    /// </summary>
    public static bool TryRunGpuCheck(string[] args, out int exitCode)
    {
        exitCode = args is [GpuDeviceCheck.Argument] ? GpuDeviceCheck.RunFromCommandLine(Console.Out, Console.Error) : 0;
        return args is [GpuDeviceCheck.Argument];
    }

    /// <summary>Parses the role setting; null or empty is <see cref="ProcessRole.All"/>.</summary>
    public static ProcessRole Role(string? setting) => setting?.Trim().ToLowerInvariant() switch
    {
        null or "" or "all" => ProcessRole.All,
        "api" => ProcessRole.Api,
        "cpu-worker" => ProcessRole.CpuWorker,
        "gpu-worker" => ProcessRole.GpuWorker,
        _ => throw new InvalidOperationException($"{RoleSetting} '{setting}' is not a role: use all, api, cpu-worker or gpu-worker."),
    };

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
