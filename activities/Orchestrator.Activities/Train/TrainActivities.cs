using System.Globalization;
using Microsoft.Extensions.Options;
using Orchestrator.Activities.Common;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Contracts;
using Orchestrator.Ml.Evaluation.MultiLabel;
using Orchestrator.Ml.Devices;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Training;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Workflows.Train;
using Temporalio.Activities;
using Temporalio.Exceptions;
using TorchSharp;

namespace Orchestrator.Activities.Train;

/// <summary>
/// Trains a model on a labelled dataset version. Every epoch's checkpoint is stored by digest and
/// heartbeated, so a retried attempt continues from the last finished epoch instead of starting over;
/// the audit facts are keyed per activity (and per epoch), so a retry never records them twice. On a GPU the
/// evidence also holds the device (name, driver, CUDA, cuDNN, libtorch, TF32) and each epoch's peak memory and mean
/// utilisation; running out of device memory fails the run naming the batch size, without retries.
/// </summary>
public sealed class TrainActivities(BlobArtifactStore store, StageAudit audit, IOptions<GpuOptions>? gpu = null, IOptions<TrainingDataOptions>? dataOptions = null) : ITrainActivities
{
    private static readonly TimeSpan UsageInterval = TimeSpan.FromMilliseconds(250);

    public const string CheckpointMediaType = "application/vnd.orchestrator.checkpoint";

    public async Task<TrainedModel> TrainAsync(ITrainActivities.Input input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var context = ActivityExecutionContext.Current;
        var cancellationToken = context.CancellationToken;
        TrainingOptions options;
        try
        {
            options = TrainingRecipe.Options(input.Spec, input.FreezeBackbone);
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ApplicationFailureException(e.Message, e, "InvalidInput", nonRetryable: true);
        }

        if (options.FreezeBackbone && input.BaseCheckpointDigest is null && input.BaseModel is null)
        {
            throw new ApplicationFailureException("FreezeBackbone needs a base checkpoint or base model: a randomly initialised backbone cannot be frozen usefully.", "InvalidInput", nonRetryable: true);
        }

        var data = await TrainingData.LoadAsync(store, input.Dataset, input.Labels, cancellationToken,
            decodedCacheBytes: (dataOptions?.Value ?? new TrainingDataOptions()).DecodedCacheBytes).ConfigureAwait(false);
        if (data.Train.Count == 0)
        {
            throw new ApplicationFailureException($"Dataset {input.Dataset.ManifestDigest} has no labelled training images.", "InvalidInput", nonRetryable: true);
        }

        if (data.Task == TaskKind.MultiLabel)
        {
            // The manifest decides the head: a multi-label dataset trains one sigmoid per label, and the recipe's options that are
            // defined over one class per image (class weights, focal loss, oversampling, label smoothing) are refused, never ignored.
            try
            {
                options = options with { Task = TaskKind.MultiLabel };
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw new ApplicationFailureException($"Dataset {input.Dataset.ManifestDigest} is multi-label and the policy's training recipe does not fit it: {e.Message}", e,
                    "InvalidInput", nonRetryable: true);
            }
        }

        ModelSpec spec;
        try
        {
            spec = TrainingData.Spec(input.Spec.Architecture, data.Classes.Count);
        }
        catch (ArgumentException e)
        {
            throw new ApplicationFailureException(e.Message, e, "InvalidInput", nonRetryable: true);
        }

        var transfer = await BaseModel.LoadAsync(store, audit.Ledger, input, spec, data.Classes, options.FreezeBackbone, cancellationToken).ConfigureAwait(false);
        // The base weights' own preprocessing (ImageNet's for torchvision weights), else the project's neutral one: recorded in every
        // checkpoint, written into the ONNX file by the export, and read back from it by evaluation and serving.
        var preprocessing = transfer.Preprocessing ?? Preprocessing.Centered(spec.InputSize);
        var lastCheckpoint = await LastCheckpointAsync(input.RunId, context.Info, cancellationToken).ConfigureAwait(false);
        var resumeFrom = lastCheckpoint is null ? null : TrainingCheckpoint.Load(await store.GetAsync(lastCheckpoint, cancellationToken).ConfigureAwait(false));

        var device = ComputeDevice.Select("auto", gpu?.Value);
        ComputeFailures.EnsureBackend(device);
        var deviceDescription = ComputeDevice.Describe(device);
        // A resumption is its own fact (keyed by the epoch it continues from), never a second "started".
        var started = new TrainingStarted(transfer.Describe(Hyperparameters(input, spec, options, preprocessing)), deviceDescription, options.Epochs, lastCheckpoint);
        await (resumeFrom is null
            ? audit.RecordAsync(input.RunId, started, "training-started", transfer.Evidence())
            : audit.RecordAsync(input.RunId, started, $"training-resumed-{resumeFrom.CompletedEpochs.ToString(CultureInfo.InvariantCulture)}",
                [StageAudit.Evidence("resumed-checkpoint", lastCheckpoint!, null), .. transfer.Evidence()])).ConfigureAwait(false);

        using var model = SeededInitialisation.Create(options.Seed, () => transfer.CreateModel(spec));
        model.to(device);
        using var usage = GpuUsageSampler.Start(device, UsageInterval, out _);
        var progress = new TrainingHeartbeat(resumeFrom?.CompletedEpochs ?? 0, 0, 0, double.NaN, lastCheckpoint);
        ArtifactRef? stored = null;
        EpochMetrics? finished = null;
        var callbacks = new TrainingCallbacks
        {
            OnBatch = p =>
            {
                progress = progress with { Epoch = p.Epoch, Batch = p.Batch, BatchesPerEpoch = p.BatchesPerEpoch, Loss = p.Loss };
                context.Heartbeat(progress);
            },
            OnEpoch = metrics => finished = metrics,
            OnCheckpoint = async (checkpoint, token) =>
            {
                stored = await store.PutAsync(checkpoint.Bytes, CheckpointMediaType, token).ConfigureAwait(false);
                var m = finished!;
                if (usage?.TakeEpoch() is { Samples: > 0 } used)
                {
                    await audit.RecordAsync(input.RunId, new TrainingDeviceUsage(m.Epoch, device.ToString(), used.MeanUtilization, used.PeakMemoryBytes,
                        used.MemoryTotalBytes, used.MaxTemperatureCelsius, used.Samples), $"training-device-usage-{m.Epoch.ToString(CultureInfo.InvariantCulture)}").ConfigureAwait(false);
                }

                await audit.RecordAsync(input.RunId, new TrainingEpochCompleted(m.Epoch, m.TrainLoss, m.ValidationLoss, m.ValidationAccuracy, stored.Digest),
                    $"training-epoch-{m.Epoch.ToString(CultureInfo.InvariantCulture)}", [StageAudit.Evidence("checkpoint", stored.Digest, stored.Uri)]).ConfigureAwait(false);

                // Heartbeat the checkpoint only once its epoch is recorded: a retry resuming from it never re-runs that epoch.
                progress = progress with { Epoch = checkpoint.CompletedEpochs, LastCheckpointDigest = stored.Digest };
                context.Heartbeat(progress);
            },
        };

        TrainingResult result;
        var trainer = new Trainer(new ImagePreprocessor(preprocessing), options);
        try
        {
            result = await trainer.TrainAsync(model, data.Train, data.Validation, resumeFrom, callbacks, cancellationToken).ConfigureAwait(false);
        }
        catch (TrainingDivergedException e)
        {
            throw ComputeFailures.Diverged(e);
        }
        catch (DeviceOutOfMemoryException e)
        {
            throw ComputeFailures.OutOfMemory(e);
        }

        // A retry after the last epoch's checkpoint has nothing left to train: its checkpoint is the result.
        var final = stored ?? await store.PutAsync(resumeFrom!.Bytes, CheckpointMediaType, cancellationToken).ConfigureAwait(false);
        var history = result.History;
        await audit.RecordAsync(input.RunId,
            new TrainingCompleted(history.Count, final.Digest, [.. history.Select(h => h.TrainLoss)], [.. history.Select(h => h.ValidationAccuracy)]),
            "training-completed", [StageAudit.Evidence("checkpoint", final.Digest, final.Uri)]).ConfigureAwait(false);
        var best = result.BestEpoch > 0 ? history[result.BestEpoch - 1] : history[^1];
        var thresholds = data.Task == TaskKind.MultiLabel
            ? await ChooseThresholdsAsync(input.RunId, trainer, final, data, device, cancellationToken).ConfigureAwait(false)
            : null;
        return new TrainedModel(final.Digest, final.Uri, input.Spec.Architecture, history.Count, best.ValidationAccuracy, deviceDescription, data.Classes,
            data.Task == TaskKind.MultiLabel, thresholds);
    }

    /// <summary>
    /// A multi-label model's per-label thresholds, chosen on the validation split (never the test split) with the weights the export
    /// writes (the final checkpoint's best), and recorded as DecisionThresholdsChosen once.
    /// </summary>
    private async Task<IReadOnlyList<LabelDecisionThreshold>> ChooseThresholdsAsync(string runId, Trainer trainer, ArtifactRef final, TrainingData data,
        torch.Device device, CancellationToken cancellationToken)
    {
        var checkpoint = TrainingCheckpoint.Load(await store.GetAsync(final.Digest, cancellationToken).ConfigureAwait(false));
        using var weights = checkpoint.CreateClassifier();
        weights.to(device);
        var chosen = DecisionThresholds.Choose(trainer.PredictMultiLabel(weights, data.Validation, device, cancellationToken));
        var thresholds = chosen.Select(t => new LabelDecisionThreshold(data.Classes[t.Label], t.Threshold, double.IsFinite(t.ValidationF1) ? t.ValidationF1 : null,
            ThresholdBases.Name(t.Basis))).ToList();
        await audit.RecordAsync(runId,
            new DecisionThresholdsChosen(final.Digest,
                thresholds.ToDictionary(t => t.Label, t => t.Threshold, StringComparer.Ordinal),
                thresholds.ToDictionary(t => t.Label, t => t.Basis, StringComparer.Ordinal),
                thresholds.Where(t => t.ValidationF1 is not null).ToDictionary(t => t.Label, t => t.ValidationF1!.Value, StringComparer.Ordinal)),
            "decision-thresholds-chosen", [StageAudit.Evidence("checkpoint", final.Digest, final.Uri)]).ConfigureAwait(false);
        return thresholds;
    }

    /// <summary>
    /// The checkpoint a retry continues from: the last epoch the run's ledger recorded, else the one the previous
    /// attempt heartbeated. Every heartbeated checkpoint was recorded first, and heartbeats are throttled (up to a
    /// minute between sends), so a worker can die after recording an epoch whose heartbeat never reached the
    /// server; resuming from the ledger then neither re-trains that epoch nor leaves its entry naming a checkpoint
    /// the final model does not descend from.
    /// </summary>
    private async Task<string?> LastCheckpointAsync(string runId, ActivityInfo info, CancellationToken cancellationToken)
    {
        var entries = await audit.Ledger.ReadAllAsync(AuditStreams.Run(runId), cancellationToken).ConfigureAwait(false);
        var recorded = entries.Select(e => e.Data).OfType<TrainingEpochCompleted>().MaxBy(e => e.Epoch);
        if (recorded is not null)
        {
            return recorded.CheckpointDigest;
        }

        if (info.HeartbeatDetails.Count == 0)
        {
            return null;
        }

        var last = await info.HeartbeatDetailAtAsync<TrainingHeartbeat>(0).ConfigureAwait(false);
        return last.LastCheckpointDigest;
    }

    private static Dictionary<string, string> Hyperparameters(ITrainActivities.Input input, ModelSpec spec, TrainingOptions options, Preprocessing preprocessing)
    {
        var recorded = Hyperparameters(input, spec);
        recorded["training.recipe"] = TrainingRecipe.Verbatim(input.Spec);
        if (options.Task == TaskKind.MultiLabel)
        {
            recorded["task"] = "multi-label: a sigmoid per label, binary cross-entropy; per-label thresholds chosen on the validation split";
        }

        foreach (var (key, value) in TrainingRecipe.Describe(options).Concat(preprocessing.ToMetadata()))
        {
            recorded[key] = value;
        }

        return recorded;
    }

    private static Dictionary<string, string> Hyperparameters(ITrainActivities.Input input, ModelSpec spec) => new(StringComparer.Ordinal)
    {
        ["architecture"] = input.Spec.Architecture,
        ["model-spec"] = spec.ToString(),
        ["epochs"] = input.Spec.Epochs.ToString(CultureInfo.InvariantCulture),
        ["batch-size"] = input.Spec.BatchSize.ToString(CultureInfo.InvariantCulture),
        ["learning-rate"] = input.Spec.LearningRate.ToString("R", CultureInfo.InvariantCulture),
        ["seed"] = input.Spec.Seed.ToString(CultureInfo.InvariantCulture),
        ["dataset"] = input.Dataset.ManifestDigest,
        ["labels"] = input.Labels.LabelSetDigest,
    };
}
