using System.Diagnostics;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Benchmarks.Ml;

/// <summary>
/// The baseline of train-overhead: the same network, optimiser, learning rate, batch size, gradient
/// clipping and epochs as the activity, over the same training images already as one tensor, with the
/// same per-epoch validation forward pass and the same training-time augmentation (applied synchronously
/// to the whole epoch before it starts), and nothing else: no loader, no callbacks, no checkpoints.
/// </summary>
internal static class BareTrainingLoop
{
    /// <summary>Training samples per second of a fresh network of <paramref name="spec"/> (the activity's preprocessing).</summary>
    public static double Run(ModelSpec spec, TrainingOptions options, IReadOnlyList<LabeledImage> train, IReadOnlyList<LabeledImage> validation) =>
        Run(() =>
        {
            torch.random.manual_seed(options.Seed);
            return new ResNet(spec);
        }, Preprocessing.Centered(spec.InputSize), options, train, validation);

    /// <summary>Training samples per second of the network <paramref name="createModel"/> makes (e.g. from imported weights).</summary>
    public static double Run(Func<ImageClassifier> createModel, Preprocessing preprocessing, TrainingOptions options, IReadOnlyList<LabeledImage> train, IReadOnlyList<LabeledImage> validation)
    {
        var size = preprocessing.InputSize;
        var preprocessor = new ImagePreprocessor(preprocessing);
        var trainInputs = AsTensor(preprocessor, train, size, AugmentationOptions.None, null);
        using var trainLabels = tensor(train.Select(i => (long)i.Label).ToArray());
        using var validationInputs = AsTensor(preprocessor, validation, size, AugmentationOptions.None, null);
        using var model = createModel();
        // The product's optimiser (TorchSharp's AdamW arithmetic with held Scalars, ADR 0045), as the Trainer uses.
        using var optimizer = new HeldScalarAdamW([new TorchSharp.Modules.AdamW.ParamGroup { Parameters = model.parameters().ToList() }], options.LearningRate, options.WeightDecay);
        var count = trainInputs.shape[0];
        var watch = Stopwatch.StartNew();
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            if (!options.Augmentation.IsIdentity)
            {
                trainInputs.Dispose();
                trainInputs = AsTensor(preprocessor, train, size, options.Augmentation, new Random(SeedMix.Of(options.Seed, epoch, -1)));
            }

            model.train();
            using var order = randperm(count);
            for (long start = 0; start < count; start += options.BatchSize)
            {
                using var scope = NewDisposeScope();
                var index = order.narrow(0, start, Math.Min(options.BatchSize, count - start));
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.call(trainInputs.index_select(0, index)), trainLabels.index_select(0, index));
                loss.backward();
                nn.utils.clip_grad_norm_(model.parameters(), options.GradientClipNorm);
                optimizer.step();
                loss.item<float>();
            }

            model.eval();
            using (no_grad())
            {
                for (long start = 0; start < validationInputs.shape[0]; start += options.BatchSize)
                {
                    using var scope = NewDisposeScope();
                    model.call(validationInputs.narrow(0, start, Math.Min(options.BatchSize, validationInputs.shape[0] - start))).argmax(1).sum().item<long>();
                }
            }
        }

        var samplesPerSecond = options.Epochs * count / watch.Elapsed.TotalSeconds;
        trainInputs.Dispose();
        return samplesPerSecond;
    }

    private static Tensor AsTensor(ImagePreprocessor preprocessor, IReadOnlyList<LabeledImage> images, int size, AugmentationOptions augmentation, Random? random)
    {
        var data = new float[images.Count * preprocessor.ValuesPerImage];
        for (var i = 0; i < images.Count; i++)
        {
            preprocessor.Write(images[i], data.AsSpan(i * preprocessor.ValuesPerImage, preprocessor.ValuesPerImage), augmentation, random);
        }

        return tensor(data, [images.Count, 3, size, size]);
    }
}
