using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Policies;
using Temporalio.Activities;

namespace Orchestrator.Workflows.Train;

/// <summary>A trained model: its final checkpoint in Blob Storage and how training went.</summary>
/// <param name="CheckpointDigest">"sha256:..." of the final checkpoint.</param>
/// <param name="CheckpointUri">Where it is stored.</param>
/// <param name="Architecture">The policy's architecture name.</param>
/// <param name="Epochs">Epochs trained.</param>
/// <param name="ValidationAccuracy">Validation accuracy of the best epoch (multi-label: subset accuracy at probability 0.5).</param>
/// <param name="Device">The device trained on, described.</param>
/// <param name="Classes">Class names in class-index order (the export names the outputs with them).</param>
/// <param name="MultiLabel">True for a multi-label model (a sigmoid per label), as the dataset's manifest says; false for single-label (softmax) ones and in histories from before it.</param>
/// <param name="Thresholds">A multi-label model's decision threshold per label in class order, chosen on the validation split (the export writes them into
/// the ONNX file, which evaluation and serving read them from); null for single-label models.</param>
public sealed record TrainedModel(string CheckpointDigest, string CheckpointUri, string Architecture, int Epochs, double ValidationAccuracy, string Device, IReadOnlyList<string>? Classes = null,
    bool MultiLabel = false, IReadOnlyList<LabelDecisionThreshold>? Thresholds = null);

/// <summary>A multi-label model's decision threshold for one label: the label is assigned when its probability is at least <paramref name="Threshold"/>.</summary>
/// <param name="Label">The label.</param>
/// <param name="Threshold">The cut-off in [0, 1].</param>
/// <param name="ValidationF1">The label's F1 on the validation split at that cut-off; null when the split had no positive of it.</param>
/// <param name="Basis">How it was chosen: "maximised-validation-f1", or "no-validation-positives" (0.5 is used and said so).</param>
public sealed record LabelDecisionThreshold(string Label, double Threshold, double? ValidationF1, string Basis);

/// <summary>A registered base model (POST /api/base-models) a run fine-tunes from, pinned by the digest of its canonical weights when the run was requested.</summary>
/// <param name="Name">The base model's name.</param>
/// <param name="WeightsDigest">"sha256:..." of its canonical weights (BaseModelRegistered.WeightsDigest); the train activity refuses other weights.</param>
public sealed record BaseModelRef(string Name, string WeightsDigest);

/// <summary>A model exported to ONNX and checked against TorchSharp.</summary>
/// <param name="OnnxDigest">"sha256:..." of the ONNX file.</param>
/// <param name="OnnxUri">Where the ONNX file is stored.</param>
/// <param name="ParityMaxAbsError">Max |TorchSharp - ONNX Runtime| logit difference on the parity batch.</param>
/// <param name="Version">The model version the export recorded (ModelExported on the model's stream); null from exports that named no model.</param>
public sealed record OnnxModel(string OnnxDigest, string OnnxUri, double ParityMaxAbsError, int? Version = null);

/// <summary>Progress the train activity heartbeats (and resumes from after a retry).</summary>
public sealed record TrainingHeartbeat(int Epoch, int Batch, int BatchesPerEpoch, double Loss, string? LastCheckpointDigest);

/// <summary>The train activity (GPU task queue).</summary>
public interface ITrainActivities
{
    /// <summary>The activity type name (recorded in every history: never change it).</summary>
    public const string Name = "Train";

    /// <summary>Train on a dataset version; <paramref name="BaseCheckpointDigest"/> for transfer learning.</summary>
    /// <param name="RunId">The run.</param>
    /// <param name="Dataset">The dataset version.</param>
    /// <param name="Labels">Its consensus labels.</param>
    /// <param name="Spec">Hyperparameters from the pinned policy.</param>
    /// <param name="BaseCheckpointDigest">A previous version's checkpoint to fine-tune from; null to train from scratch.</param>
    /// <param name="FreezeBackbone">With a base checkpoint: train only the classification head.</param>
    /// <param name="BaseClasses">The base checkpoint's class names in index order (its TrainedModel.Classes); when they differ
    /// from the dataset's, the head is replaced. Null: the head is replaced only when the class count differs.</param>
    /// <param name="BaseModel">A registered base model (pretrained weights) to fine-tune from instead of a checkpoint; its head is always replaced
    /// (its classes are its pretraining's) and its recorded preprocessing is the run's.</param>
    public sealed record Input(string RunId, DatasetVersion Dataset, LabelSet Labels, TrainingSpec Spec, string? BaseCheckpointDigest,
        bool FreezeBackbone = false, IReadOnlyList<string>? BaseClasses = null, BaseModelRef? BaseModel = null);

    /// <summary>Trains, checkpointing every epoch (a retry resumes from the last one) and heartbeating <see cref="TrainingHeartbeat"/>.</summary>
    [Activity(Name)]
    Task<TrainedModel> TrainAsync(Input input);
}

/// <summary>The export activity (GPU task queue).</summary>
public interface IExportActivities
{
    /// <summary>The activity type name (recorded in every history: never change it).</summary>
    public const string Name = "ExportOnnx";

    /// <summary>Export <paramref name="Model"/> to ONNX and record it as the next version of <paramref name="ModelName"/>.</summary>
    /// <param name="RunId">The run.</param>
    /// <param name="Model">The trained checkpoint.</param>
    /// <param name="ModelName">The model the version belongs to (required: the export records ModelExported on its stream).</param>
    /// <param name="DatasetDigest">The dataset manifest digest the model was trained on (lineage in ModelExported).</param>
    /// <param name="PolicyDigest">The pinned policy; its evaluation.maxParityError is the tolerance (else 1e-4).</param>
    public sealed record Input(string RunId, TrainedModel Model, string? ModelName = null, string? DatasetDigest = null, string? PolicyDigest = null);

    /// <summary>Writes the ONNX file, checks its parity with TorchSharp and records the model's next version.</summary>
    [Activity(Name)]
    Task<OnnxModel> ExportAsync(Input input);
}
