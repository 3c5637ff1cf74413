using System.Globalization;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.BaseModels;
using Orchestrator.Audit.Ledger;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Training;
using Orchestrator.Ml.Weights;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Workflows.Train;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Train;

/// <summary>
/// Where a training run starts from: random weights, a previous version's checkpoint (transfer learning), or a registered
/// base model's pretrained weights (imported again from the canonical bytes its registration stored, every key checked, the
/// head replaced for the dataset's classes). The audit trail says which weights a model was fine-tuned from, whether its backbone
/// was frozen, whether its head was kept or replaced, and the preprocessing it was trained with.
/// </summary>
internal sealed class BaseModel
{
    private readonly TrainingCheckpoint? checkpoint;
    private readonly string? digest;
    private readonly bool sameClasses;
    private readonly bool freezeBackbone;
    private readonly int numClasses;
    private readonly ImportedWeights? imported;
    private readonly BaseModelRegistered? registration;

    private BaseModel(TrainingCheckpoint? checkpoint, string? digest, bool sameClasses, bool freezeBackbone, int numClasses,
        ImportedWeights? imported = null, BaseModelRegistered? registration = null, Preprocessing? preprocessing = null)
    {
        this.checkpoint = checkpoint;
        this.digest = digest;
        this.sameClasses = sameClasses;
        this.freezeBackbone = freezeBackbone;
        this.numClasses = numClasses;
        this.imported = imported;
        this.registration = registration;
        Preprocessing = preprocessing;
    }

    /// <summary>The preprocessing the base weights were trained with (null: none recorded; the run chooses).</summary>
    public Preprocessing? Preprocessing { get; }

    /// <summary>Whether the run starts from any weights at all (freezing needs some).</summary>
    public bool HasWeights => checkpoint is not null || imported is not null;

    /// <summary>Loads the base checkpoint or base model named by <paramref name="input"/> (verified by digest), if any.</summary>
    public static async Task<BaseModel> LoadAsync(BlobArtifactStore store, IAuditLedger ledger, ITrainActivities.Input input, ModelSpec spec,
        IReadOnlyList<string> classes, bool freezeBackbone, CancellationToken cancellationToken)
    {
        if (input.BaseModel is { } baseModel)
        {
            if (input.BaseCheckpointDigest is not null)
            {
                throw InvalidInput("A run starts from a base model or from a base checkpoint, not both.");
            }

            return await FromRegisteredAsync(store, ledger, baseModel, input, spec, freezeBackbone, cancellationToken).ConfigureAwait(false);
        }

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
            throw InvalidInput($"Base checkpoint {digest} is a {checkpoint.Spec}, but the policy's architecture '{input.Spec.Architecture}' is a {spec}.");
        }

        var sameClasses = input.BaseClasses is null || input.BaseClasses.SequenceEqual(classes, StringComparer.Ordinal);
        return new BaseModel(checkpoint, digest, sameClasses, freezeBackbone, spec.NumClasses, preprocessing: checkpoint.Preprocessing);
    }

    private static async Task<BaseModel> FromRegisteredAsync(BlobArtifactStore store, IAuditLedger ledger, BaseModelRef baseModel, ITrainActivities.Input input,
        ModelSpec spec, bool freezeBackbone, CancellationToken cancellationToken)
    {
        var entries = await ledger.ReadStreamAsync(AuditStreams.BaseModel(baseModel.Name), cancellationToken: cancellationToken).ConfigureAwait(false);
        var registered = entries.Select(e => e.Data).OfType<BaseModelRegistered>().FirstOrDefault()
            ?? throw new ApplicationFailureException($"No base model '{baseModel.Name}' is registered.", "NotFound", nonRetryable: true);
        if (registered.WeightsDigest != baseModel.WeightsDigest)
        {
            throw InvalidInput($"Base model '{baseModel.Name}' holds weights {registered.WeightsDigest}, not the {baseModel.WeightsDigest} the run was started with.");
        }

        if (registered.Architecture != input.Spec.Architecture)
        {
            throw InvalidInput($"Base model '{baseModel.Name}' is a {registered.Architecture}, but the policy's architecture is '{input.Spec.Architecture}'.");
        }

        byte[] canonical;
        try
        {
            canonical = await store.GetAsync(registered.WeightsDigest, cancellationToken).ConfigureAwait(false);
        }
        catch (ArtifactNotFoundException e)
        {
            throw new ApplicationFailureException($"The weights {registered.WeightsDigest} of base model '{baseModel.Name}' are not in the artifact store.", e, "NotFound", nonRetryable: true);
        }

        var preprocessing = Ml.Models.Preprocessing.FromMetadata(registered.Preprocessing);
        try
        {
            // The head is always new: the base model's classes are its pretraining's, never the dataset's.
            var weights = BaseModelImporter.Import(canonical, spec, new ImportOptions { ReplaceHead = true, HeadSeed = input.Spec.Seed, Preprocessing = preprocessing });
            return new BaseModel(null, registered.WeightsDigest, false, freezeBackbone, spec.NumClasses, weights, registered, preprocessing);
        }
        catch (Exception e) when (e is WeightsMismatchException or ArgumentException or InvalidDataException)
        {
            throw InvalidInput($"Base model '{baseModel.Name}' does not fit {spec}: {e.Message}", e);
        }
    }

    /// <summary>The network to train: fresh, initialised from the base checkpoint's best weights, or carrying the base model's weights.</summary>
    public ImageClassifier CreateModel(ModelSpec spec)
    {
        if (imported is not null)
        {
            var model = imported.CreateModel();
            model.train();
            return model;
        }

        return checkpoint is null ? ImageClassifier.Create(spec) : TransferLearning.Initialise(checkpoint, numClasses, sameClasses);
    }

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

        if (imported is not null && registration is not null)
        {
            hyperparameters["base-model"] = registration.Name;
            hyperparameters["base-model-weights"] = registration.WeightsDigest;
            hyperparameters["base-model-architecture"] = registration.Architecture;
            hyperparameters["base-model-source"] = registration.Source;
            hyperparameters["base-model-licence"] = registration.Licence;
            hyperparameters["fine-tuned-from"] = registration.WeightsDigest;
            hyperparameters["freeze-backbone"] = freezeBackbone ? "true" : "false";
            hyperparameters["head"] = string.Create(CultureInfo.InvariantCulture,
                $"replaced: {imported.Head!.SourceClasses} -> {imported.Head.TargetClasses} classes, seed {imported.Head.Seed}");
        }

        return hyperparameters;
    }

    /// <summary>The base weights as evidence of the training-started fact.</summary>
    public IReadOnlyList<EvidenceDigest> Evidence() => digest is null ? []
        : imported is not null ? [Common.StageAudit.Evidence("base-model-weights", digest, registration?.WeightsUri)]
        : [Common.StageAudit.Evidence("base-checkpoint", digest, null)];

    private static ApplicationFailureException InvalidInput(string message, Exception? inner = null) => new(message, inner, "InvalidInput", nonRetryable: true);
}
