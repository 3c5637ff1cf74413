using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Export;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Projections;
using Orchestrator.Audit.Replay;
using Orchestrator.Audit.Verification;

namespace Orchestrator.Audit.Storage;

/// <summary>Registers the audit ledger's services.</summary>
public static class AuditLedgerServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IAuditLedger"/>, replay, read models, verification, export, periodic signed checkpoints
    /// and their copies outside the database (<see cref="ICheckpointAnchorStore"/> on Blob Storage, unless the
    /// host registered another). Options are validated at start-up.
    /// </summary>
    public static IServiceCollection AddAuditLedger(this IServiceCollection services, Action<AuditLedgerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<AuditLedgerOptions>().Configure(configure).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuditLedgerOptions>, AuditLedgerOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        // Opening is blocking only once per process, at first use; the schema install runs here in development.
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<AuditLedgerOptions>>().Value;
            return LedgerDatabase.OpenAsync(o.ConnectionString, o.Schema, o.InstallSchema, CancellationToken.None).GetAwaiter().GetResult();
        });
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<AuditLedgerOptions>>().Value;
            return CheckpointSigner.Load(o.CheckpointSigningKeyPath, o.GenerateDevelopmentKey);
        });
        services.TryAddSingleton<ICheckpointAnchorStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<AuditLedgerOptions>>().Value;
            var container = new BlobServiceClient(o.Anchors.ConnectionString).GetBlobContainerClient(o.Anchors.Container);
            return new BlobCheckpointAnchorStore(container, o.Anchors.PrefixFor(o.ConnectionString, o.Schema));
        });
        services.AddSingleton<MartenAuditLedger>();
        services.AddMetrics();
        services.AddSingleton<IAuditLedger>(sp => new MeteredAuditLedger(sp.GetRequiredService<MartenAuditLedger>(), sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton<CheckpointWriter>();
        services.AddSingleton(sp => new LedgerVerifier(
            sp.GetRequiredService<LedgerDatabase>(),
            sp.GetRequiredService<ICheckpointAnchorStore>(),
            sp.GetRequiredService<IOptions<AuditLedgerOptions>>().Value.UnanchoredTailAllowance,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<LedgerReplay>();
        services.AddSingleton<AuditReadModels>();
        services.AddSingleton<LedgerExporter>();
        services.AddHostedService<CheckpointService>();
        return services;
    }
}
