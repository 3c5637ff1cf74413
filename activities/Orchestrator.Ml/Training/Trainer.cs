using System.Diagnostics;
using Orchestrator.Ml.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Training;

/// <summary>
/// Trains an <see cref="ImageClassifier"/> (any architecture) on decoded images: background batch loading into pinned, reused host buffers
/// with normalisation and augmentation on the device (<see cref="DeviceBatchLoader"/>, <see cref="DeviceInput"/>),
/// the chosen optimiser and schedule, gradient clipping, class-imbalance handling and early stopping on
/// validation loss. Reports every batch, checkpoints every epoch, resumes from a checkpoint, and stops within
/// one batch of cancellation. On the CPU, the same seed gives the same weights, resumed or not. Refuses to run on
/// a CPU backend that failed <see cref="Devices.BackendSelfCheck"/>, stops with <see cref="TrainingDivergedException"/>
/// in the batch whose loss or gradient norm is not finite, and with <see cref="DeviceOutOfMemoryException"/> (naming
/// the batch size) when the device runs out of memory.
/// </summary>
public sealed class Trainer(ImagePreprocessor preprocessor, TrainingOptions options)
{
    private readonly ImagePreprocessor preprocessor = preprocessor ?? throw new ArgumentNullException(nameof(preprocessor));
    private readonly TrainingOptions options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>
    /// Runs the epochs not yet covered by <paramref name="resumeFrom"/>. The model must already be on its
    /// device; with a checkpoint its weights are overwritten by the checkpoint's.
    /// </summary>
    public async Task<TrainingResult> TrainAsync(ImageClassifier model, IReadOnlyList<LabeledImage> train, IReadOnlyList<LabeledImage>? validation,
        TrainingCheckpoint? resumeFrom, TrainingCallbacks? callbacks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        options.Validate();
        callbacks ??= new TrainingCallbacks();
        var spec = model.Spec;
        if (resumeFrom is not null && resumeFrom.Spec != spec)
        {
            throw new InvalidOperationException($"The checkpoint is for {resumeFrom.Spec}, the model is {spec}.");
        }

        var device = model.parameters().First().device;
        Devices.BackendSelfCheck.EnsurePassed(device);
        var freezing = new BackboneFreezing(model, options);
        freezing.Apply(resumeFrom?.CompletedEpochs ?? 0);

        using var optimizer = options.SplitsBackbone
            ? CreateOptimizer([model.BackboneParameters(), model.HeadParameters()])
            : CreateOptimizer([options.FreezeBackbone ? model.HeadParameters() : model.parameters()]);
        using var classWeights = options.Imbalance is ImbalanceHandling.ClassWeights or ImbalanceHandling.FocalLoss
            ? tensor(Losses.BalancedClassWeights(train.Select(i => i.Label), spec.NumClasses), device: device)
            : null;
        var epochImages = options.Imbalance == ImbalanceHandling.Oversampling ? Oversampling.Balance(train, spec.NumClasses) : train;
        var state = new CheckpointState(spec, options, 0, double.PositiveInfinity, 0, 0, []) { Preprocessing = preprocessor.Preprocessing };
        Dictionary<string, Tensor>? best = null;
        if (resumeFrom is not null)
        {
            best = resumeFrom.Restore(model, optimizer);
            state = resumeFrom.State with { Options = options, Preprocessing = preprocessor.Preprocessing };
        }

        var resumedFrom = state.CompletedEpochs;
        var history = state.History.ToList();
        var stoppedEarly = false;
        using var buffers = new HostBufferPool(options.BatchSize, spec.InputSize, device);
        using var input = new DeviceInput(preprocessor.Preprocessing, device);
        for (var epoch = state.CompletedEpochs; epoch < options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            freezing.Apply(epoch);
            var (trainLoss, trainAccuracy, lr) = RunEpoch(model, optimizer, epochImages, classWeights, epoch, history, device, buffers, input, freezing, callbacks, cancellationToken);
            var (valLoss, valAccuracy) = validation is { Count: > 0 } ? Evaluate(model, validation, device, buffers, input, $"epoch {epoch + 1}, validation", cancellationToken) : (double.NaN, double.NaN);
            var metrics = new EpochMetrics(epoch + 1, trainLoss, trainAccuracy, valLoss, valAccuracy, lr, clock.Elapsed.TotalSeconds);
            history.Add(metrics);
            callbacks.OnEpoch?.Invoke(metrics);

            var monitored = double.IsNaN(valLoss) ? trainLoss : valLoss;
            var improved = monitored < state.BestValidationLoss - options.MinDelta;
            if (improved)
            {
                DisposeAll(best);
                best = StateDictionaryFormat.Snapshot(model);
            }

            state = state with
            {
                CompletedEpochs = epoch + 1,
                BestValidationLoss = improved ? monitored : state.BestValidationLoss,
                BestEpoch = improved ? epoch + 1 : state.BestEpoch,
                EpochsWithoutImprovement = improved ? 0 : state.EpochsWithoutImprovement + 1,
                History = history.ToArray(),
            };
            stoppedEarly = options.EarlyStoppingPatience > 0 && state.EpochsWithoutImprovement >= options.EarlyStoppingPatience;
            if (callbacks.OnCheckpoint is not null)
            {
                var checkpoint = TrainingCheckpoint.Capture(state, model, optimizer, best);
                await callbacks.OnCheckpoint(checkpoint, cancellationToken).ConfigureAwait(false);
            }

            if (stoppedEarly)
            {
                break;
            }
        }

        if (options.RestoreBestWeights && best is not null)
        {
            StateDictionaryFormat.CopyInto(model, best);
        }

        DisposeAll(best);
        model.eval();
        return new TrainingResult(history, state.BestEpoch, state.BestValidationLoss, stoppedEarly, resumedFrom);
    }

    /// <summary>Mean cross-entropy and accuracy of the model (eval mode) on a split.</summary>
    public (double Loss, double Accuracy) Evaluate(ImageClassifier model, IReadOnlyList<LabeledImage> images, Device device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(device);
        using var buffers = new HostBufferPool(options.BatchSize, preprocessor.Preprocessing.InputSize, device);
        using var input = new DeviceInput(preprocessor.Preprocessing, device);
        return Evaluate(model, images, device, buffers, input, "evaluation", cancellationToken);
    }

    /// <summary>
    /// A multi-label model's sigmoid probabilities on a split with the images' true label sets: the input of
    /// <see cref="Evaluation.MultiLabel.DecisionThresholds.Choose"/> on the validation split and of the metrics.
    /// </summary>
    public Evaluation.MultiLabel.MultiLabelPredictions PredictMultiLabel(ImageClassifier model, IReadOnlyList<LabeledImage> images, Device device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(device);
        Devices.BackendSelfCheck.EnsurePassed(device);
        model.eval();
        using var noGrad = no_grad();
        using var buffers = new HostBufferPool(options.BatchSize, preprocessor.Preprocessing.InputSize, device);
        using var input = new DeviceInput(preprocessor.Preprocessing, device);
        using var loader = new DeviceBatchLoader(images, preprocessor, AugmentationOptions.None, buffers, false, options.Seed, 0, cancellationToken);
        var truth = new List<float>();
        var probabilities = new List<float>();
        foreach (var batch in loader.ReadAll())
        {
            using var scope = NewDisposeScope();
            var x = input.ToModelInput(batch.Pixels, batch.Draws, AugmentationOptions.None);
            probabilities.AddRange(model.call(x).sigmoid().cpu().data<float>().ToArray());
            truth.AddRange(batch.Targets ?? throw new ArgumentException("Multi-label predictions need images with multi-hot targets (LabeledImage.Targets)."));
        }

        return new Evaluation.MultiLabel.MultiLabelPredictions(model.Spec.NumClasses, [.. truth.Select(t => t > 0.5f)], [.. probabilities]);
    }

    private (double Loss, double Accuracy) Evaluate(ImageClassifier model, IReadOnlyList<LabeledImage> images, Device device, HostBufferPool buffers, DeviceInput input,
        string where, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        Devices.BackendSelfCheck.EnsurePassed(device);
        model.eval();
        using var noGrad = no_grad();
        using var loader = new DeviceBatchLoader(images, preprocessor, AugmentationOptions.None, buffers, false, options.Seed, 0, cancellationToken);
        double lossSum = 0;
        long correct = 0;
        try
        {
            foreach (var batch in loader.ReadAll())
            {
                using var scope = NewDisposeScope();
                var (x, y) = ToTensors(batch, input, AugmentationOptions.None, device);
                var logits = model.call(x);
                if (MultiLabel)
                {
                    // Summed over labels and items, then divided by the labels: the per-image mean the training loss reports.
                    lossSum += nn.functional.binary_cross_entropy_with_logits(logits, y, reduction: nn.Reduction.Sum).item<float>() / logits.shape[1];
                    correct += ExactMatches(logits, y);
                }
                else
                {
                    lossSum += nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).item<float>();
                    correct += logits.argmax(1).eq(y).sum().item<long>();
                }
            }
        }
        catch (Exception e) when (DeviceOutOfMemoryException.IsOutOfMemory(e))
        {
            throw new DeviceOutOfMemoryException(device.ToString(), options.BatchSize, where, e.Message, e);
        }

        return (lossSum / images.Count, (double)correct / images.Count);
    }

    private (double Loss, double Accuracy, double LearningRate) RunEpoch(ImageClassifier model, OptimizerHelper optimizer, IReadOnlyList<LabeledImage> train,
        Tensor? classWeights, int epoch, IReadOnlyList<EpochMetrics> history, Device device, HostBufferPool buffers, DeviceInput input, BackboneFreezing freezing,
        TrainingCallbacks callbacks, CancellationToken cancellationToken)
    {
        model.train();
        freezing.KeepFrozenStatistics();
        // Weight-independent randomness inside libtorch (none in these models today) is seeded per epoch too.
        random.manual_seed(SeedMix.Of(options.Seed, epoch, -2));
        using var loader = new DeviceBatchLoader(train, preprocessor, options.Augmentation, buffers, true, options.Seed, epoch, cancellationToken);
        var totals = new EpochTotals();
        var batchNumber = 0;
        try
        {
            foreach (var batch in loader.ReadAll())
            {
                batchNumber = batch.Index + 1;
                Step(model, optimizer, classWeights, epoch, history, device, input, loader.BatchCount, batch, callbacks, totals, cancellationToken);
            }
        }
        catch (Exception e) when (DeviceOutOfMemoryException.IsOutOfMemory(e))
        {
            throw new DeviceOutOfMemoryException(device.ToString(), options.BatchSize,
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"epoch {epoch + 1}, batch {batchNumber}"), e.Message, e);
        }

        var seen = Math.Max(1, totals.Seen);
        return (totals.LossSum / seen, (double)totals.Correct / seen, totals.LearningRate);
    }

    private void Step(ImageClassifier model, OptimizerHelper optimizer, Tensor? classWeights, int epoch, IReadOnlyList<EpochMetrics> history, Device device, DeviceInput input,
        int batchCount, DeviceBatch batch, TrainingCallbacks callbacks, EpochTotals totals, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var scope = NewDisposeScope();
        var lr = LearningRateSchedule.At(options, epoch, batch.Index, batchCount, history);
        var groups = optimizer.ParamGroups.ToList();
        for (var g = 0; g < groups.Count; g++)
        {
            // With a split backbone, group 0 is the backbone and trains at its multiple of the rate.
            groups[g].LearningRate = options.SplitsBackbone && g == 0 ? lr * options.BackboneLearningRateMultiplier : lr;
        }

        var (x, y) = ToTensors(batch, input, options.Augmentation, device);
        optimizer.zero_grad();
        var logits = model.call(x);
        var loss = MultiLabel ? nn.functional.binary_cross_entropy_with_logits(logits, y) : Losses.Compute(options, logits, y, classWeights);
        var batchLoss = loss.item<float>();
        if (!float.IsFinite(batchLoss))
        {
            throw new TrainingDivergedException("loss", batchLoss, epoch + 1, batch.Index + 1, lr);
        }

        loss.backward();
        // The total norm is computed either way (clipping at infinity leaves the gradients as they are), so a
        // non-finite gradient stops the run before the optimiser writes it into the weights.
        var gradientNorm = nn.utils.clip_grad_norm_(optimizer.parameters().Where(p => p.requires_grad), options.GradientClipNorm > 0 ? options.GradientClipNorm : double.PositiveInfinity);
        if (!double.IsFinite(gradientNorm))
        {
            throw new TrainingDivergedException("gradient norm", gradientNorm, epoch + 1, batch.Index + 1, lr);
        }

        optimizer.step();
        totals.LossSum += batchLoss * batch.Count;
        totals.Correct += MultiLabel ? ExactMatches(logits, y) : logits.argmax(1).eq(y).sum().item<long>();
        totals.Seen += batch.Count;
        totals.LearningRate = lr;
        callbacks.OnBatch?.Invoke(new TrainingProgress(epoch + 1, batch.Index + 1, batchCount, batchLoss, lr));
    }

    private bool MultiLabel => options.Task == Contracts.TaskKind.MultiLabel;

    // A multi-label image counts as correct when every label's decision at probability 0.5 (logit 0) matches (subset accuracy).
    private static long ExactMatches(Tensor logits, Tensor targets)
    {
        using var k = new HeldScalars();
        return logits.gt(HeldScalars.Zero).eq(targets.gt(k[0.5f])).all(1).sum().item<long>();
    }

    private (Tensor X, Tensor Y) ToTensors(DeviceBatch batch, DeviceInput input, AugmentationOptions augmentation, Device device)
    {
        var x = input.ToModelInput(batch.Pixels, batch.Draws, augmentation);
        var y = !MultiLabel ? tensor(batch.Labels, [batch.Count]).to(device)
            : batch.Targets is { } targets ? tensor(targets, [batch.Count, targets.Length / batch.Count]).to(device)
            : throw new ArgumentException("A multi-label run needs images with multi-hot targets (LabeledImage.Targets).");
        return (x, y);
    }

    // One parameter group per list: a single group as always, or the backbone and the head for differential rates and
    // unfreezing. The optimisers hold their Scalars for the whole step (HeldScalars).
    private OptimizerHelper CreateOptimizer(IReadOnlyList<IEnumerable<Parameter>> groups) => options.Optimizer switch
    {
        OptimizerKind.AdamW => new HeldScalarAdamW(groups.Select(g => new AdamW.ParamGroup { Parameters = g.ToList() }), options.LearningRate, options.WeightDecay),
        OptimizerKind.SgdMomentum => new HeldScalarSgd(groups.Select(g => new SGD.ParamGroup { Parameters = g.ToList() }), options.LearningRate,
            options.Momentum, options.WeightDecay, nesterov: true),
        _ => throw new InvalidOperationException($"Unknown optimiser {options.Optimizer}."),
    };

    private sealed class EpochTotals
    {
        public double LossSum { get; set; }

        public long Correct { get; set; }

        public long Seen { get; set; }

        public double LearningRate { get; set; }
    }

    private static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        foreach (var t in tensors?.Values ?? Enumerable.Empty<Tensor>())
        {
            t.Dispose();
        }
    }
}
