using System.Diagnostics;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Benchmarks.Ml;

/// <summary>
/// Training samples/second of the <see cref="Trainer"/> (background loading and preprocessing from
/// decoded bytes, a progress callback every batch, a full checkpoint serialised every epoch) against
/// a bare TorchSharp loop over the same data already as tensors, with the same model, optimiser and
/// batch size. The Temporal activity adds heartbeats and blob uploads on top of these callbacks.
/// </summary>
public sealed class TrainOverheadBenchmark : IBenchmark
{
    private const int BatchSize = 64;

    public string Name => "train-overhead";

    public string Description => "Trainer with progress callbacks and per-epoch checkpoints vs a bare TorchSharp loop (samples/s)";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var spec = new ModelSpec(Architecture.ResNet32, NumClasses: 4, Width: 8, StemStride: 2);
        var images = SyntheticImages.Generate(BenchContext.Scaled(1024), 32);
        var options = new TrainingOptions
        {
            Epochs = 2, BatchSize = BatchSize, Augmentation = AugmentationOptions.None, GradientClipNorm = 5, Schedule = ScheduleKind.Constant,
        };
        var preprocessor = new ImagePreprocessor(Preprocessing.Centered(32));
        var (inputs, labels) = AsTensors(preprocessor, images);
        double best = 0, bestBaseline = 0;
        long checkpointBytes = 0;
        for (var round = 0; round < 2; round++)
        {
            using (var bareModel = new ResNet(spec))
            {
                bestBaseline = Math.Max(bestBaseline, Bare(bareModel, options, inputs, labels));
            }

            using var model = new ResNet(spec);
            var batches = 0;
            var callbacks = new TrainingCallbacks
            {
                OnBatch = _ => batches++,
                OnCheckpoint = (c, _) =>
                {
                    checkpointBytes = c.Bytes.Length;
                    return Task.CompletedTask;
                },
            };
            var watch = Stopwatch.StartNew();
            await new Trainer(preprocessor, options).TrainAsync(model, images, null, null, callbacks, cancellationToken).ConfigureAwait(false);
            best = Math.Max(best, options.Epochs * images.Count / watch.Elapsed.TotalSeconds);
        }

        BenchContext.Note($"checkpoint {checkpointBytes / 1024} KiB per epoch");
        context.Ratio(best, bestBaseline, "samples/s");
        inputs.Dispose();
        labels.Dispose();
    }

    private static (Tensor Inputs, Tensor Labels) AsTensors(ImagePreprocessor preprocessor, IReadOnlyList<LabeledImage> images)
    {
        var data = new float[images.Count * preprocessor.ValuesPerImage];
        for (var i = 0; i < images.Count; i++)
        {
            preprocessor.Write(images[i], data.AsSpan(i * preprocessor.ValuesPerImage, preprocessor.ValuesPerImage), AugmentationOptions.None, null);
        }

        return (tensor(data, [images.Count, 3, 32, 32]), tensor(images.Select(i => (long)i.Label).ToArray()));
    }

    private static double Bare(ResNet model, TrainingOptions options, Tensor inputs, Tensor labels)
    {
        using var optimizer = optim.AdamW(model.parameters(), options.LearningRate, weight_decay: options.WeightDecay);
        model.train();
        var count = inputs.shape[0];
        var watch = Stopwatch.StartNew();
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            using var order = randperm(count);
            for (long start = 0; start < count; start += BatchSize)
            {
                using var scope = NewDisposeScope();
                var index = order.narrow(0, start, Math.Min(BatchSize, count - start));
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.call(inputs.index_select(0, index)), labels.index_select(0, index));
                loss.backward();
                nn.utils.clip_grad_norm_(model.parameters(), options.GradientClipNorm);
                optimizer.step();
                loss.item<float>();
            }
        }

        return options.Epochs * count / watch.Elapsed.TotalSeconds;
    }
}
