using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Policies;

namespace Orchestrator.Workflows.Train;

/// <summary>A trained model: its final checkpoint in Blob Storage and how training went; <paramref name="Classes"/> in class-index order (the export names the outputs with them).</summary>
public sealed record TrainedModel(string CheckpointDigest, string CheckpointUri, string Architecture, int Epochs, double ValidationAccuracy, string Device, IReadOnlyList<string>? Classes = null);

/// <summary>A model exported to ONNX and checked against TorchSharp.</summary>
public sealed record OnnxModel(string OnnxDigest, string OnnxUri, double ParityMaxAbsError);

/// <summary>Progress the train activity heartbeats (and resumes from after a retry).</summary>
public sealed record TrainingHeartbeat(int Epoch, int Batch, int BatchesPerEpoch, double Loss, string? LastCheckpointDigest);

/// <summary>The train and export activities (GPU task queue).</summary>
public static class TrainActivity
{
    public const string Name = "Train";
    public const string ExportName = "ExportOnnx";

    /// <summary>Train on a dataset version; <paramref name="BaseCheckpointDigest"/> for transfer learning.</summary>
    public sealed record Input(string RunId, DatasetVersion Dataset, LabelSet Labels, TrainingSpec Spec, string? BaseCheckpointDigest);

    public sealed record ExportInput(string RunId, TrainedModel Model);
}
