using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orchestrator.Activities.Common;
using Orchestrator.Activities.Deploy;
using Orchestrator.Activities.Monitor;
using Orchestrator.Audit.Storage;
using Orchestrator.Operations.Hosting;

namespace Orchestrator.Activities.Hosting;

/// <summary>Registers what the activity classes need, so a worker can construct any of them per invocation.</summary>
public static class ActivityServices
{
    /// <summary>
    /// Adds the backends (<see cref="BackendServices.AddOrchestratorBackends"/>: ledger, artifact store, policy catalog;
    /// a host that registered them first keeps its own), serving and model operations (<see cref="ServingServices.AddModelServing"/>),
    /// the worker's audit identity, <see cref="StageAudit"/>, the canary observer, the training-reference cache and
    /// every activity class of <see cref="ActivityCatalog"/> (scoped).
    /// </summary>
    public static IServiceCollection AddOrchestratorActivities(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOrchestratorBackends(configuration);
        services.AddModelServing();
        // A worker copies its checkpoints to the artifacts' account (a container of their own) unless configured apart.
        services.PostConfigure<AuditLedgerOptions>(options =>
        {
            if (string.IsNullOrWhiteSpace(options.Anchors.ConnectionString))
            {
                options.Anchors.ConnectionString = configuration[$"{BlobStorageOptions.Section}:ConnectionString"] ?? "";
            }
        });

        services.AddOptions<LocalDataOptions>().Bind(configuration.GetSection(LocalDataOptions.Section));
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<LocalDataOptions>>().Value.ToRoots());

        services.AddOptions<WorkerIdentityOptions>().Bind(configuration.GetSection(WorkerIdentityOptions.Section));
        services.AddOptions<Ml.Devices.GpuOptions>().Bind(configuration.GetSection(Ml.Devices.GpuOptions.Section));
        services.AddOptions<Train.TrainingDataOptions>().Bind(configuration.GetSection(Train.TrainingDataOptions.Section));
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<WorkerIdentityOptions>>().Value.ToIdentity());
        services.TryAddSingleton<StageAudit>();
        services.TryAddSingleton<CanaryObserver>();
        services.TryAddSingleton<MeasureReferenceCache>();
        foreach (var type in ActivityCatalog.Classes)
        {
            services.TryAddScoped(type);
        }

        return services;
    }
}
