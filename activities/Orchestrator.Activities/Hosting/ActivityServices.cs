using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orchestrator.Activities.Artifacts;
using Orchestrator.Activities.Common;
using Orchestrator.Activities.Policies;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Storage;

namespace Orchestrator.Activities.Hosting;

/// <summary>Registers what the activity classes need, so a worker can construct any of them per invocation.</summary>
public static class ActivityServices
{
    /// <summary>
    /// Adds the shared services of the activities: the artifact store (Blob Storage), the policy catalog, the
    /// audit ledger (unless the host registered one), the worker's audit identity, <see cref="StageAudit"/>,
    /// <see cref="TimeProvider"/> and every activity class of <see cref="ActivityCatalog"/> (scoped). Settings
    /// are validated at start-up with messages naming the missing setting. Safe to call after a host that
    /// already registered some of these (existing registrations win).
    /// </summary>
    public static IServiceCollection AddOrchestratorActivities(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<ArtifactStorageOptions>().Bind(configuration.GetSection(ArtifactStorageOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ArtifactStorageOptions>, ArtifactStorageOptions.Validator>());
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<ArtifactStorageOptions>>().Value;
            var container = new BlobServiceClient(o.ConnectionString).GetBlobContainerClient(o.Container);
            container.CreateIfNotExists();
            return container;
        });
        services.TryAddSingleton<BlobArtifactStore>();

        services.AddOptions<PolicyCatalogOptions>().Bind(configuration.GetSection(PolicyCatalogOptions.Section));
        services.TryAddSingleton<PolicyCatalog>();

        if (!services.Any(d => d.ServiceType == typeof(IAuditLedger)))
        {
            services.AddAuditLedger(options =>
            {
                configuration.GetSection(AuditLedgerOptions.Section).Bind(options);
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    // One database for everything unless the ledger is configured apart.
                    options.ConnectionString = configuration["Orchestrator:Postgres:ConnectionString"] ?? "";
                }

                if (string.IsNullOrWhiteSpace(options.Anchors.ConnectionString))
                {
                    // Likewise the checkpoint copies go to the artifacts' account (a container of their own) unless configured apart.
                    options.Anchors.ConnectionString = configuration[$"{ArtifactStorageOptions.Section}:ConnectionString"] ?? "";
                }
            });
        }

        services.AddOptions<LocalDataOptions>().Bind(configuration.GetSection(LocalDataOptions.Section));
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<LocalDataOptions>>().Value.ToRoots());

        services.AddOptions<WorkerIdentityOptions>().Bind(configuration.GetSection(WorkerIdentityOptions.Section));
        services.AddOptions<Ml.Devices.GpuOptions>().Bind(configuration.GetSection(Ml.Devices.GpuOptions.Section));
        services.AddOptions<Train.TrainingDataOptions>().Bind(configuration.GetSection(Train.TrainingDataOptions.Section));
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<WorkerIdentityOptions>>().Value.ToIdentity());
        services.TryAddSingleton<StageAudit>();
        services.TryAddSingleton(TimeProvider.System);

        foreach (var type in ActivityCatalog.Classes)
        {
            services.TryAddScoped(type);
        }

        // Stage owners: one line each for the services your activities need beyond the shared ones above.
        Deploy.DeployServices.AddDeployServices(services);
        Monitor.MeasureServices.AddMeasureServices(services);
        return services;
    }
}
