using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Storage;
using Orchestrator.Ml.Data;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Operations.BaseModels;
using Orchestrator.Operations.Policies;

namespace Orchestrator.Operations.Hosting;

/// <summary>The servers every host of the service talks to, wired once for the API and the workers alike.</summary>
public static class BackendServices
{
    /// <summary>
    /// Adds the audit ledger (PostgreSQL; unless the host registered one), the artifact store (Blob Storage), the
    /// policy catalog and <see cref="TimeProvider"/>. Settings are validated at start-up with messages naming the
    /// missing setting, and the policy catalog is loaded then (an invalid policy document stops start-up). With <paramref name="development"/> (any environment but Production) the ledger generates a
    /// checkpoint signing key in <see cref="LocalDirectory"/> and installs its schema unless told otherwise. Safe to call
    /// again: the first registration wins.
    /// </summary>
    public static IServiceCollection AddOrchestratorBackends(this IServiceCollection services, IConfiguration configuration, bool development = false)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(BlobArtifactStore)))
        {
            return services;
        }

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

                if (development && string.IsNullOrWhiteSpace(options.CheckpointSigningKeyPath))
                {
                    options.CheckpointSigningKeyPath = Path.Combine(LocalDirectory(), "checkpoint-signing.pem");
                    options.GenerateDevelopmentKey = true;
                }

                if (development && string.IsNullOrWhiteSpace(options.Anchors.ConnectionString))
                {
                    // Locally the checkpoint copies go to the artifacts' account, in a container of their own; production
                    // names an account (ideally another credential, with an immutability policy): docs/audit-ledger.md, "Anchors".
                    options.Anchors.ConnectionString = configuration[$"{BlobStorageOptions.Section}:ConnectionString"] ?? "";
                }

                if (development && configuration[$"{AuditLedgerOptions.Section}:InstallSchema"] is null)
                {
                    options.InstallSchema = true;
                }
            });
        }

        services.AddOptions<BlobStorageOptions>().Bind(configuration.GetSection(BlobStorageOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BlobStorageOptions>, BlobStorageOptions.Validator>());
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<BlobStorageOptions>>().Value;
            var container = new BlobServiceClient(o.ConnectionString).GetBlobContainerClient(o.Container);
            container.CreateIfNotExists();
            return container;
        });
        services.TryAddSingleton<BlobArtifactStore>();
        // Weights are read from the workers' local data roots (the roots a worker host registered, else Orchestrator:Data:LocalRoots) or Blob Storage.
        services.TryAddSingleton(sp => new BaseModelRegistry(sp.GetRequiredService<IAuditLedger>(), sp.GetRequiredService<BlobArtifactStore>(),
            sp.GetRequiredService<BlobContainerClient>(),
            sp.GetService<LocalDataRoots>()?.Roots ?? configuration.GetSection("Orchestrator:Data:LocalRoots").Get<string[]>() ?? []));
        services.TryAddSingleton<BaseModelList>();

        services.AddOptions<PolicyCatalogOptions>().Bind(configuration.GetSection(PolicyCatalogOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PolicyCatalogOptions>, PolicyCatalogValidation>());
        services.TryAddSingleton<PolicyCatalog>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>The git-ignored directory of local development state (keys, exports) at the repository root, or beside the app.</summary>
    public static string LocalDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln")))
            {
                return Path.Combine(dir.FullName, ".local");
            }
        }

        return Path.Combine(AppContext.BaseDirectory, ".local");
    }
}
