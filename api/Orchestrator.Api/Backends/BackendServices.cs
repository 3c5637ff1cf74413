using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orchestrator.Activities.Artifacts;
using Orchestrator.Activities.Policies;
using Orchestrator.Audit.Storage;
using Temporalio.Client;

namespace Orchestrator.Api.Backends;

/// <summary>
/// The servers the API talks to: the audit ledger (PostgreSQL), artifacts (Blob Storage), the policy
/// catalog and the Temporal client. Every missing setting is named at start-up.
/// </summary>
public static class BackendServices
{
    /// <summary>Adds the ledger, the artifact store, the policy catalog and (unless one is registered) a Temporal client.</summary>
    public static WebApplicationBuilder AddOrchestratorBackends(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var development = !builder.Environment.IsProduction();
        builder.Services.AddAuditLedger(options =>
        {
            configuration.GetSection(AuditLedgerOptions.Section).Bind(options);
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                // One database for everything locally: the ledger falls back to the service's PostgreSQL.
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
                options.Anchors.ConnectionString = configuration[$"{BlobOptions.Section}:ConnectionString"] ?? "";
            }

            if (development && configuration[$"{AuditLedgerOptions.Section}:InstallSchema"] is null)
            {
                options.InstallSchema = true;
            }
        });

        builder.Services.AddOptions<PolicyCatalogOptions>().Bind(configuration.GetSection(PolicyCatalogOptions.Section));
        builder.Services.TryAddSingleton<PolicyCatalog>();

        builder.Services.AddOptions<BlobOptions>().Bind(configuration.GetSection(BlobOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), $"{BlobOptions.Section}:ConnectionString is required (an Azure Storage or Azurite connection string).")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Container), $"{BlobOptions.Section}:Container is required.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<BlobOptions>>().Value;
            var container = new BlobServiceClient(o.ConnectionString).GetBlobContainerClient(o.Container);
            container.CreateIfNotExists();
            return container;
        });
        builder.Services.TryAddSingleton<BlobArtifactStore>();

        builder.Services.AddOptions<TemporalOptions>().Bind(configuration.GetSection(TemporalOptions.Section));
        builder.Services.TryAddSingleton<ITemporalClient>(sp =>
        {
            var o = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<TemporalOptions>>().Value;
            var address = o.Address is { Length: > 0 } a ? a : Environment.GetEnvironmentVariable("TEMPORAL_ADDRESS");
            if (string.IsNullOrWhiteSpace(address))
            {
                throw new InvalidOperationException($"{TemporalOptions.Section}:Address is required (host:port of a Temporal frontend; or set TEMPORAL_ADDRESS).");
            }

            // Lazy: the API starts (and answers /readyz honestly) while Temporal is still coming up.
            return TemporalClient.CreateLazy(new TemporalClientConnectOptions(address) { Namespace = o.Namespace });
        });
        return builder;
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

/// <summary>Blob Storage settings (section "Orchestrator:Blob").</summary>
public sealed class BlobOptions
{
    public const string Section = "Orchestrator:Blob";

    /// <summary>Connection string of the storage account.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The artifact container.</summary>
    public string Container { get; set; } = "artifacts";
}

/// <summary>Temporal settings (section "Orchestrator:Temporal").</summary>
public sealed class TemporalOptions
{
    public const string Section = "Orchestrator:Temporal";

    /// <summary>host:port of the Temporal frontend.</summary>
    public string? Address { get; set; }

    /// <summary>The Temporal namespace.</summary>
    public string Namespace { get; set; } = "default";

    /// <summary>The task queue lifecycle workflows are started on (the default queue unless a deployment routes runs elsewhere).</summary>
    public string TaskQueue { get; set; } = Orchestrator.Workflows.Lifecycle.TaskQueues.Default;

    /// <summary>The GPU queue the runs' training, export and evaluation go to.</summary>
    public string GpuTaskQueue { get; set; } = Orchestrator.Workflows.Lifecycle.TaskQueues.Gpu;
}
