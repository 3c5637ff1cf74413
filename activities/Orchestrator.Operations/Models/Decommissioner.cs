using Azure.Storage.Blobs;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Ml.Serving;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Workflows.Decommission;

namespace Orchestrator.Operations.Models;

/// <summary>
/// Retires a model version for good, for both the API (an approver's request) and the monitor (superseded
/// after the grace period): <see cref="ModelDecider"/> decides on the model's stream, the ONNX file is deleted
/// when it decided so (retention, legal hold, shared bytes), then the final ModelDecommissioned removes the
/// version from every alias, so serving answers 410. Keyed per version, so it happens once.
/// </summary>
public sealed class Decommissioner(ModelOperations operations, BlobContainerClient container, PredictorCache predictors, TimeProvider time)
{
    /// <summary>Decommissions <paramref name="version"/>; returns what was done (idempotent: a second call reports the first).</summary>
    /// <exception cref="OperationRefusedException">Unknown version (NotFound) or the production version (conflict).</exception>
    public async Task<IDecommissionActivities.Output> DecommissionAsync(
        string model, int version, string reason, RetentionPolicy retention, AuditContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(retention);
        var state = await operations.LoadAsync(model, cancellationToken).ConfigureAwait(false);
        var decision = ModelDecider.Decide(state, new DecommissionVersion(version, reason, retention), time.GetUtcNow());
        if (decision.Facts is [{ Event: ModelArtifactsRetained { Deleted: true } retained }, ..])
        {
            await container.GetBlobClient(BlobArtifactStore.BlobName(retained.Digests[0])).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var recorded = await operations.RecordAsync(state, decision, context, cancellationToken).ConfigureAwait(false);
        if (recorded.Entries.Count > 0 && state.Find(version) is { } record)
        {
            predictors.Evict(record.OnnxDigest);
        }

        return recorded.Outcome;
    }
}
