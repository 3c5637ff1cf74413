using Azure.Storage.Blobs;
using Orchestrator.Activities.Artifacts;
using Orchestrator.Activities.Evaluate;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Replay;
using Orchestrator.Ml.Serving;
using Orchestrator.Workflows.Decommission;

namespace Orchestrator.Activities.Decommission;

/// <summary>Why a decommission was refused.</summary>
public sealed class DecommissionRefusedException(string message, bool notFound) : InvalidOperationException(message)
{
    /// <summary>True when the model or version does not exist (otherwise: a conflict with the model's state).</summary>
    public bool NotFound { get; } = notFound;
}

/// <summary>
/// Retires a model version for good, for both the API (an approver's request) and the monitor (superseded
/// after the grace period): artifacts kept or deleted per retention (a legal hold always keeps them), then
/// the final ModelDecommissioned, which removes the version from every alias so serving answers 410.
/// Decided on the ledger's own fold of the model stream; keyed per version, so it happens once.
/// </summary>
public sealed class Decommissioner(IAuditLedger ledger, BlobContainerClient container, PredictorCache predictors)
{
    /// <summary>Decommissions <paramref name="version"/>; returns what was done (idempotent: a second call reports the first).</summary>
    public async Task<DecommissionActivity.Output> DecommissionAsync(
        string model, int version, string reason, RetentionPolicy retention, AuditContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(retention);
        var stream = AuditStreams.Model(model);
        var state = await new ModelRegistryReader(ledger).ReadAsync(model, cancellationToken).ConfigureAwait(false);
        var record = state.Find(version) ?? throw new DecommissionRefusedException($"Model '{model}' has no version {version}.", notFound: true);
        var alias = state.Aliases.GetValueOrDefault(ModelRegistryReader.ProductionAlias);
        if (record.Status == ModelVersionStatus.Decommissioned)
        {
            return new DecommissionActivity.Output(version, record.ArtifactsDeleted, alias?.Version, AlreadyDecommissioned: true);
        }

        if (alias?.Version == version)
        {
            throw new DecommissionRefusedException(
                $"Model '{model}' version {version} serves production; promote a successor or roll back before decommissioning it.", notFound: false);
        }

        // Content-addressed: another live version may share the same ONNX bytes; those are never deleted.
        var shared = state.Versions.Any(v => v.Version != version && v.OnnxDigest == record.OnnxDigest && v.Status != ModelVersionStatus.Decommissioned);
        var delete = retention.DeleteArtifacts && !retention.LegalHold && !shared;
        if (delete)
        {
            await container.GetBlobClient(BlobArtifactStore.BlobName(record.OnnxDigest)).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await ledger.AppendAsync(stream, new ModelArtifactsRetained(version, delete, retention.LegalHold, retention.Retention, [record.OnnxDigest]),
            context, $"decommission/v{version}/artifacts", cancellationToken).ConfigureAwait(false);
        await ledger.AppendAsync(stream, new ModelDecommissioned(version, reason), context, $"decommission/v{version}", cancellationToken).ConfigureAwait(false);
        predictors.Evict(record.OnnxDigest);
        return new DecommissionActivity.Output(version, delete, alias?.Version, AlreadyDecommissioned: false);
    }
}
