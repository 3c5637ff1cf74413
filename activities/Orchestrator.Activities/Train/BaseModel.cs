using Orchestrator.Audit.Events;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Training;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Workflows.Train;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Train;

/// <summary>
/// Where a training run starts from: random weights, or a previous version's checkpoint (transfer
/// learning). The audit trail says which checkpoint a model was fine-tuned from, whether its backbone was
/// frozen and whether its head was kept or replaced for a changed class set.
/// </summary>
internal sealed class BaseModel
{
    private readonly TrainingCheckpoint? checkpoint;
    private readonly string? digest;
    private readonly bool sameClasses;
    private readonly bool freezeBackbone;
    private readonly int numClasses;

    private BaseModel(TrainingCheckpoint? checkpoint, string? digest, bool sameClasses, bool freezeBackbone, int numClasses)
    {
        this.checkpoint = checkpoint;
        this.digest = digest;
        this.sameClasses = sameClasses;
        this.freezeBackbone = freezeBackbone;
        this.numClasses = numClasses;
    }

    /// <summary>Loads the base checkpoint named by <paramref name="input"/> (verified by digest), if any.</summary>
    public static async Task<BaseModel> LoadAsync(BlobArtifactStore store, ITrainActivities.Input input, ModelSpec spec, IReadOnlyList<string> classes, CancellationToken cancellationToken)
    {
        if (input.BaseCheckpointDigest is not { } digest)
        {
            return new BaseModel(null, null, true, false, spec.NumClasses);
        }

        TrainingCheckpoint checkpoint;
        try
        {
            checkpoint = TrainingCheckpoint.Load(await store.GetAsync(digest, cancellationToken).ConfigureAwait(false));
        }
        catch (ArtifactNotFoundException e)
        {
            throw new ApplicationFailureException($"Base checkpoint {digest} is not in the artifact store.", e, "NotFound", nonRetryable: true);
        }

        // Weights only transfer between networks of the same shape; the class count is the head's business.
        if (checkpoint.Spec with { NumClasses = spec.NumClasses } != spec)
        {
            throw new ApplicationFailureException(
                $"Base checkpoint {digest} is a {checkpoint.Spec}, but the policy's architecture '{input.Spec.Architecture}' is a {spec}.", "InvalidInput", nonRetryable: true);
        }

        var sameClasses = input.BaseClasses is null || input.BaseClasses.SequenceEqual(classes, StringComparer.Ordinal);
        return new BaseModel(checkpoint, digest, sameClasses, input.FreezeBackbone, spec.NumClasses);
    }

    /// <summary>The network to train: fresh, or initialised from the base checkpoint's best weights.</summary>
    public ResNet CreateModel(ModelSpec spec) => checkpoint is null ? new ResNet(spec) : TransferLearning.FromCheckpoint(checkpoint, numClasses, sameClasses);

    /// <summary>The hyperparameters with the transfer-learning facts added.</summary>
    public Dictionary<string, string> Describe(Dictionary<string, string> hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        if (checkpoint is not null)
        {
            hyperparameters["fine-tuned-from"] = digest!;
            hyperparameters["freeze-backbone"] = freezeBackbone ? "true" : "false";
            hyperparameters["head"] = TransferLearning.KeepsHead(checkpoint, numClasses, sameClasses) ? "kept" : "replaced";
        }

        return hyperparameters;
    }

    /// <summary>The base checkpoint as evidence of the training-started fact.</summary>
    public IReadOnlyList<EvidenceDigest> Evidence() => digest is null ? [] : [Common.StageAudit.Evidence("base-checkpoint", digest, null)];
}
