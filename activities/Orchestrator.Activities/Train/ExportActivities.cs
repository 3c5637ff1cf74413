using Orchestrator.Activities.Artifacts;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Onnx;
using Orchestrator.Ml.Training;
using Orchestrator.Workflows.Train;
using Temporalio.Activities;
using Temporalio.Exceptions;
using TorchSharp;

namespace Orchestrator.Activities.Train;

/// <summary>
/// Exports a trained checkpoint to ONNX and refuses an export whose logits drift from TorchSharp's: the
/// ONNX file is what gets evaluated and deployed, so it must be numerically the model that was trained.
/// </summary>
public sealed class ExportActivities(BlobArtifactStore store)
{
    public const string OnnxMediaType = "application/onnx";
    private const int ParityBatch = 8;

    [Activity(TrainActivity.ExportName)]
    public async Task<OnnxModel> ExportAsync(TrainActivity.ExportInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var cancellationToken = ActivityExecutionContext.Current.CancellationToken;
        var classes = input.Model.Classes
            ?? throw new ApplicationFailureException("The trained model carries no class names to export.", "InvalidInput", nonRetryable: true);
        var checkpoint = TrainingCheckpoint.Load(await store.GetAsync(input.Model.CheckpointDigest, cancellationToken).ConfigureAwait(false));
        using var model = checkpoint.CreateModel();
        var preprocessing = Preprocessing.Centered(checkpoint.Spec.InputSize);
        var onnx = ResNetOnnxExporter.Export(model, preprocessing, classes);

        // Normalised inputs from a generator seeded by the export itself, so a retry checks the same batch.
        var size = checkpoint.Spec.InputSize;
        using var generator = new torch.Generator(BitConverter.ToUInt64(Convert.FromHexString(input.Model.CheckpointDigest["sha256:".Length..][..16])));
        using var batch = torch.randn([ParityBatch, 3, size, size], generator: generator);
        var parity = OnnxParity.MaxAbsDifference(model, onnx, batch);
        if (!(parity <= OnnxParity.DefaultTolerance))
        {
            throw new ApplicationFailureException(
                $"ONNX parity error {parity:E3} exceeds the tolerated {OnnxParity.DefaultTolerance:E3} for checkpoint {input.Model.CheckpointDigest}.",
                "PolicyViolation", nonRetryable: true);
        }

        var stored = await store.PutAsync(onnx, OnnxMediaType, cancellationToken).ConfigureAwait(false);
        return new OnnxModel(stored.Digest, stored.Uri, parity);
    }
}
