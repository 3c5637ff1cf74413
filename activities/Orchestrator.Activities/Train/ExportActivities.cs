using System.Globalization;
using Microsoft.Extensions.Options;
using Orchestrator.Activities.Artifacts;
using Orchestrator.Activities.Common;
using Orchestrator.Activities.Evaluate;
using Orchestrator.Activities.Policies;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Ledger;
using Orchestrator.Ml.Devices;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Onnx;
using Orchestrator.Ml.Training;
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
public sealed class ExportActivities(BlobArtifactStore store, StageAudit audit, PolicyCatalog catalog, IOptions<GpuOptions>? gpu = null)
{
    public const string OnnxMediaType = "application/onnx";
    private const int ParityBatch = 8;
    private const int MaxClaims = 1000;

    [Activity(TrainActivity.ExportName)]
    public async Task<OnnxModel> ExportAsync(TrainActivity.ExportInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var cancellationToken = ActivityExecutionContext.Current.CancellationToken;
        var classes = input.Model.Classes ?? throw InvalidInput("The trained model carries no class names to export.");
        var modelName = input.ModelName ?? throw InvalidInput("ExportInput.ModelName is required: the export records the model version on that model's stream.");
        var dataset = input.DatasetDigest ?? throw InvalidInput("ExportInput.DatasetDigest is required: it is the version's lineage in the registry.");
        var tolerance = Tolerance(input.PolicyDigest);
        ComputeDevice.EnsureNativeBackend(gpu?.Value); // the CUDA build's libtorch is the host's (a no-op on the CPU build)
        var checkpoint = TrainingCheckpoint.Load(await store.GetAsync(input.Model.CheckpointDigest, cancellationToken).ConfigureAwait(false));
        using var model = checkpoint.CreateModel();
        ComputeFailures.EnsureBackend(model.parameters().First().device);
        var preprocessing = Preprocessing.Centered(checkpoint.Spec.InputSize);
        var onnx = ResNetOnnxExporter.Export(model, preprocessing, classes);

        // Normalised inputs from a generator seeded by the export itself, so a retry checks the same batch.
        var size = checkpoint.Spec.InputSize;
        using var generator = new torch.Generator(BitConverter.ToUInt64(Convert.FromHexString(input.Model.CheckpointDigest["sha256:".Length..][..16])));
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

        var version = await ClaimVersionAsync(modelName, input, new ModelExported(0, input.RunId, dataset, stored.Digest, stored.Uri, parity), cancellationToken).ConfigureAwait(false);
        return new OnnxModel(stored.Digest, stored.Uri, parity, version);
    }

    /// <summary>
    /// Records <paramref name="exported"/> as the model's next version. The number is claimed with the
    /// idempotency key "version/{n}" (as RegisterModelVersion does), so only one run can hold a number; a
    /// retry finds the version its earlier attempt recorded (same run, same ONNX digest) and re-records the
    /// identical fact, which the ledger answers with the existing entry.
    /// </summary>
    private async Task<int> ClaimVersionAsync(string modelName, TrainActivity.ExportInput input, ModelExported exported, CancellationToken cancellationToken)
    {
        var registry = await new ModelRegistryReader(audit.Ledger).ReadAsync(modelName, cancellationToken).ConfigureAwait(false);
        var candidate = ModelRegistryReader.Exported(registry, input.RunId, exported.OnnxDigest)?.Version
            ?? (registry.Versions.Count == 0 ? 1 : registry.Versions.Max(v => v.Version) + 1);
        var evidence = new[] { StageAudit.Evidence("onnx-model", exported.OnnxDigest, exported.OnnxUri), StageAudit.Evidence("checkpoint", input.Model.CheckpointDigest, input.Model.CheckpointUri) };
        for (var claims = 0; claims < MaxClaims; claims++, candidate++)
        {
            try
            {
                await audit.Ledger.AppendAsync(AuditStreams.Model(modelName), exported with { Version = candidate }, audit.Context(input.RunId, evidence),
                    $"version/{candidate.ToString(CultureInfo.InvariantCulture)}", cancellationToken).ConfigureAwait(false);
                return candidate;
            }
            catch (IdempotencyConflictException)
            {
                // Another run claimed this number between our read and our append: take the next one.
            }
        }

        throw new InvalidOperationException($"Could not claim a version number for model {modelName} after {MaxClaims} attempts.");
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
