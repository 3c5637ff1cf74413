using System.Diagnostics;
using Orchestrator.Ml.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Training;

/// <summary>
/// Trains an <see cref="ImageClassifier"/> (any architecture) on decoded images: background batch loading,
/// the chosen optimiser and schedule, gradient clipping, class-imbalance handling and early stopping on
/// validation loss. Reports every batch, checkpoints every epoch, resumes from a checkpoint, and stops
/// within one batch of cancellation. On the CPU, the same seed gives the same weights, resumed or not.
/// Refuses to run on a CPU backend that failed <see cref="Devices.BackendSelfCheck"/>, and stops with
/// <see cref="TrainingDivergedException"/> in the batch whose loss or gradient norm is not finite.
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
        foreach (var p in model.BackboneParameters())
        {
            p.requires_grad = !options.FreezeBackbone;
        }

        using var optimizer = CreateOptimizer(options.FreezeBackbone ? model.HeadParameters() : model.parameters());
        using var classWeights = options.Imbalance == ImbalanceHandling.None
            ? null
            : tensor(Losses.BalancedClassWeights(train.Select(i => i.Label), spec.NumClasses), device: device);
        var state = new CheckpointState(spec, options, 0, double.PositiveInfinity, 0, 0, []);
        Dictionary<string, Tensor>? best = null;
        if (resumeFrom is not null)
        {
            best = resumeFrom.Restore(model, optimizer);
            state = resumeFrom.State with { Options = options };
        }

        var resumedFrom = state.CompletedEpochs;
        var history = state.History.ToList();
        var stoppedEarly = false;
        for (var epoch = state.CompletedEpochs; epoch < options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var (trainLoss, trainAccuracy, lr) = RunEpoch(model, optimizer, train, classWeights, epoch, device, callbacks, cancellationToken);
            var (valLoss, valAccuracy) = validation is { Count: > 0 } ? Evaluate(model, validation, device, cancellationToken) : (double.NaN, double.NaN);
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
        ArgumentNullException.ThrowIfNull(images);
        Devices.BackendSelfCheck.EnsurePassed(device);
        model.eval();
        using var noGrad = no_grad();
        using var loader = new BatchLoader(images, preprocessor, AugmentationOptions.None, options.BatchSize, false, options.Seed, 0, cancellationToken);
        double lossSum = 0;
        long correct = 0;
        foreach (var batch in loader.ReadAll())
        {
            using var scope = NewDisposeScope();
            var (x, y) = ToTensors(batch, device);
            var logits = model.call(x);
            lossSum += nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).item<float>();
            correct += logits.argmax(1).eq(y).sum().item<long>();
        }

        return (lossSum / images.Count, (double)correct / images.Count);
    }

    private (double Loss, double Accuracy, double LearningRate) RunEpoch(ImageClassifier model, OptimizerHelper optimizer, IReadOnlyList<LabeledImage> train,
        Tensor? classWeights, int epoch, Device device, TrainingCallbacks callbacks, CancellationToken cancellationToken)
    {
        SetTrainingMode(model);
        // Weight-independent randomness inside libtorch (none in these models today) is seeded per epoch too.
        random.manual_seed(SeedMix.Of(options.Seed, epoch, -2));
        using var loader = new BatchLoader(train, preprocessor, options.Augmentation, options.BatchSize, true, options.Seed, epoch, cancellationToken);
        double lossSum = 0, lr = 0;
        long correct = 0, seen = 0;
        foreach (var batch in loader.ReadAll())
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            lr = LearningRateSchedule.At(options, epoch, batch.Index, loader.BatchCount);
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = lr;
            }

            var (x, y) = ToTensors(batch, device);
            optimizer.zero_grad();
            var logits = model.call(x);
            var loss = Losses.Compute(options, logits, y, classWeights);
            var batchLoss = loss.item<float>();
            if (!float.IsFinite(batchLoss))
            {
                throw new TrainingDivergedException("loss", batchLoss, epoch + 1, batch.Index + 1, lr);
            }

            loss.backward();
            // The total norm is computed either way (clipping at infinity leaves the gradients as they are), so a
            // non-finite gradient stops the run before the optimiser writes it into the weights.
            var gradientNorm = nn.utils.clip_grad_norm_(optimizer.parameters(), options.GradientClipNorm > 0 ? options.GradientClipNorm : double.PositiveInfinity);
            if (!double.IsFinite(gradientNorm))
            {
                throw new TrainingDivergedException("gradient norm", gradientNorm, epoch + 1, batch.Index + 1, lr);
            }

            optimizer.step();
            lossSum += batchLoss * batch.Count;
            correct += logits.argmax(1).eq(y).sum().item<long>();
            seen += batch.Count;
            callbacks.OnBatch?.Invoke(new TrainingProgress(epoch + 1, batch.Index + 1, loader.BatchCount, batchLoss, lr));
        }

        return (lossSum / Math.Max(1, seen), (double)correct / Math.Max(1, seen), lr);
    }

    private void SetTrainingMode(ImageClassifier model)
    {
        model.train();
        if (options.FreezeBackbone)
        {
            // A frozen backbone must also keep its normalisation statistics: they are part of the features.
            foreach (var module in model.BatchNorms())
            {
                module.eval();
            }
        }
    }

    private (Tensor X, Tensor Y) ToTensors(Batch batch, Device device)
    {
        var size = preprocessor.Preprocessing.InputSize;
        var x = tensor(batch.Inputs, [batch.Count, 3, size, size]).to(device);
        var y = tensor(batch.Labels, [batch.Count]).to(device);
        return (x, y);
    }

    private OptimizerHelper CreateOptimizer(IEnumerable<Parameter> parameters) => options.Optimizer switch
    {
        OptimizerKind.AdamW => optim.AdamW(parameters, options.LearningRate, weight_decay: options.WeightDecay),
        OptimizerKind.SgdMomentum => optim.SGD(parameters, options.LearningRate, momentum: options.Momentum, weight_decay: options.WeightDecay, nesterov: true),
        _ => throw new InvalidOperationException($"Unknown optimiser {options.Optimizer}."),
    };

    private static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        foreach (var t in tensors?.Values ?? Enumerable.Empty<Tensor>())
        {
            t.Dispose();
        }
    }
}
