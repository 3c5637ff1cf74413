using System.Globalization;
using Microsoft.Extensions.Options;
using Orchestrator.Activities.Common;
using Orchestrator.Contracts;
using Orchestrator.Ml.Devices;
using Orchestrator.Ml.Evaluation.MultiLabel;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Onnx;
using Orchestrator.Ml.Training;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Operations.Models;
using Orchestrator.Operations.Policies;
using Orchestrator.Workflows.Evaluate;
using Orchestrator.Workflows.Train;
using Temporalio.Activities;
using Temporalio.Exceptions;
using TorchSharp;

namespace Orchestrator.Activities.Train;

/// <summary>
/// Exports a trained checkpoint to ONNX and refuses an export whose logits drift from TorchSharp's: the
/// ONNX file is what gets evaluated and deployed, so it must be numerically the model that was trained.
/// A passing export becomes the model's next version (ModelExported on the model's stream, recorded once; ADR 0010).
/// </summary>
public sealed class ExportActivities(BlobArtifactStore store, StageAudit audit, PolicyCatalog catalog, ModelOperations models, IOptions<GpuOptions>? gpu = null) : IExportActivities
{
    public const string OnnxMediaType = "application/onnx";
    private const int ParityBatch = 8;

    public async Task<OnnxModel> ExportAsync(IExportActivities.Input input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var cancellationToken = ActivityExecutionContext.Current.CancellationToken;
        var classes = input.Model.Classes ?? throw InvalidInput("The trained model carries no class names to export.");
        var modelName = input.ModelName ?? throw InvalidInput("ExportInput.ModelName is required: the export records the model version on that model's stream.");
        var dataset = input.DatasetDigest ?? throw InvalidInput("ExportInput.DatasetDigest is required: it is the version's lineage in the registry.");
        var tolerance = Tolerance(input.PolicyDigest);
        ComputeDevice.EnsureNativeBackend(gpu?.Value); // the CUDA build's libtorch is the host's (a no-op on the CPU build)
        var checkpoint = TrainingCheckpoint.Load(await store.GetAsync(input.Model.CheckpointDigest, cancellationToken).ConfigureAwait(false));
        using var model = checkpoint.CreateClassifier();
        ComputeFailures.EnsureBackend(model.parameters().First().device);
        // The preprocessing the network was trained with travels in the ONNX metadata to evaluation and serving (older checkpoints: the neutral one they used).
        var preprocessing = checkpoint.Preprocessing ?? Preprocessing.Centered(checkpoint.Spec.InputSize);
        var onnx = OnnxExporter.Export(model, preprocessing, classes, TaskMetadataOf(input.Model, classes));

        // Normalised inputs from a generator seeded by the export itself, so a retry checks the same batch.
        var size = checkpoint.Spec.InputSize;
        using var generator = new torch.Generator(BitConverter.ToUInt64(Convert.FromHexString(Digest.Parse(input.Model.CheckpointDigest).Hex[..16])));
        using var batch = torch.randn([ParityBatch, 3, size, size], generator: generator);
        var parity = OnnxParity.MaxAbsDifference(model, onnx, batch);
        if (!(parity <= tolerance))
        {
            // No version is recorded for a model that is not the one trained; the run's failure carries this message.
            throw new ApplicationFailureException(
                $"ONNX parity error {parity:E3} exceeds the tolerated {tolerance:E3} for checkpoint {input.Model.CheckpointDigest}.",
                "PolicyViolation", nonRetryable: true);
        }

        var stored = await store.PutAsync(onnx, OnnxMediaType, cancellationToken).ConfigureAwait(false);

        // The next version of the model, claimed once: a retry finds the version its earlier attempt recorded (same run, same ONNX digest).
        var evidence = new[] { StageAudit.Evidence("onnx-model", stored.Digest, stored.Uri), StageAudit.Evidence("checkpoint", input.Model.CheckpointDigest, input.Model.CheckpointUri) };
        var version = await models.ClaimVersionAsync(modelName, new ClaimVersion(input.RunId, dataset, stored.Digest, stored.Uri, parity),
            audit.Context(input.RunId, evidence), cancellationToken).ConfigureAwait(false);
        return new OnnxModel(stored.Digest, stored.Uri, parity, version);
    }

    /// <summary>
    /// A multi-label model's task and thresholds for the ONNX metadata (evaluation and serving read them from the file); null for a
    /// single-label model. A multi-label model without one threshold per class, in class order, is refused: it could decide no label.
    /// </summary>
    private static IReadOnlyDictionary<string, string>? TaskMetadataOf(TrainedModel model, IReadOnlyList<string> classes)
    {
        if (!model.MultiLabel)
        {
            return null;
        }

        var thresholds = model.Thresholds ?? throw InvalidInput("The multi-label model carries no decision thresholds (the train activity chooses them on the validation split).");
        try
        {
            if (!thresholds.Select(t => t.Label).SequenceEqual(classes, StringComparer.Ordinal))
            {
                throw new ArgumentException($"The thresholds name the labels {string.Join(", ", thresholds.Select(t => t.Label))}, not the model's classes {string.Join(", ", classes)} in order.");
            }

            return TaskMetadata.ForMultiLabel(
                [.. thresholds.Select((t, k) => new LabelThreshold(k, t.Threshold, t.ValidationF1 ?? double.NaN, ThresholdBases.Parse(t.Basis)))], classes.Count);
        }
        catch (ArgumentException e)
        {
            throw InvalidInput($"The multi-label model's thresholds cannot be exported: {e.Message}", e);
        }
    }

    /// <summary>The pinned policy's parity tolerance, else the library default (1e-4).</summary>
    private double Tolerance(string? policyDigest)
    {
        if (policyDigest is null)
        {
            return OnnxParity.DefaultTolerance;
        }

        try
        {
            return catalog.Section<EvaluationPolicy>(policyDigest, "evaluation")?.MaxParityError ?? OnnxParity.DefaultTolerance;
        }
        catch (KeyNotFoundException e)
        {
            throw InvalidInput($"Unknown policy: {e.Message}", e);
        }
    }

    private static ApplicationFailureException InvalidInput(string message, Exception? inner = null) =>
        new(message, inner, "InvalidInput", nonRetryable: true);
}
