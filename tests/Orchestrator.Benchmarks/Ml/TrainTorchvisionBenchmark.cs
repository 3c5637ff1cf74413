using System.Diagnostics;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Training;
using Orchestrator.Ml.Weights;

namespace Orchestrator.Benchmarks.Ml;

/// <summary>
/// Fine-tuning throughput at 224 px on the CPU: the project's <see cref="Trainer"/> (background loader with
/// resize, centre crop and augmentation, the schedule, a checkpoint captured every epoch, a validation pass)
/// against <see cref="BareTrainingLoop"/> on the same images, network, starting weights and optimiser,
/// measured in the same run. The main line fine-tunes the shared torchvision checkpoint
/// (tests/fixtures/torchvision/tv-resnet-basic-1111, the shared fixture committed as it is: ResNet-18's BasicBlock layout with one block per
/// stage) imported with a new head for the generated classes; "/resnet18" does the same with the full-depth
/// resnet18 from torchvision's initialisation (no pretrained ResNet-18 weights can be fetched here).
/// </summary>
public sealed class TrainTorchvisionBenchmark : IBenchmark
{
    private const int Classes = 4;
    private const int Size = 224;

    public string Name => "train-torchvision";

    public string Description => "Trainer vs a bare TorchSharp loop fine-tuning torchvision-layout ResNets at 224 px from imported weights (images/s)";

    public Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Generated photos of 256x320: the preprocessing resizes the shorter side to 256 and crops 224.
        var train = SyntheticImages.Generate(BenchContext.Scaled(32), 320, 256, Classes);
        var validation = SyntheticImages.Generate(BenchContext.Scaled(8), 320, 256, Classes, seed: 2);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 16, LearningRate = 1e-3, Seed = 7 };

        var fixture = new ModelSpec(Architecture.TorchvisionResNet, Classes) { ResNet = new(ResidualBlockKind.Basic, 1, 1, 1, 1), ImageSize = Size };
        var imported = BaseModelImporter.Import(FixturePath(), fixture, new ImportOptions { HeadSeed = 7 });
        BenchContext.Note($"{train.Count} training and {validation.Count} validation images of 320x256, {options.Epochs} epochs, batch {options.BatchSize}; "
            + $"{imported.Files[0].Name} ({imported.Digest[..19]}...), head {imported.Head?.SourceClasses} -> {Classes} classes");
        Measure(context, imported.CreateModel, imported.Preprocessing, options, train, validation, null, cancellationToken);

        var resnet18 = ModelCatalog.Spec("resnet18", Classes);
        Measure(context, () =>
        {
            TorchSharp.torch.random.manual_seed(options.Seed);
            return ImageClassifier.Create(resnet18);
        }, Preprocessing.TorchvisionImageNet(Size), options, train, validation, "resnet18", cancellationToken);
        return Task.CompletedTask;
    }

    private static void Measure(BenchContext context, Func<ImageClassifier> createModel, Preprocessing preprocessing, TrainingOptions options,
        IReadOnlyList<LabeledImage> train, IReadOnlyList<LabeledImage> validation, string? variant, CancellationToken cancellationToken)
    {
        double bestTrainer = 0, bestBare = 0;
        var samples = (double)options.Epochs * train.Count;
        for (var round = 0; round < 2; round++)
        {
            bestBare = Math.Max(bestBare, BareTrainingLoop.Run(createModel, preprocessing, options, train, validation));
            using var model = createModel();
            var checkpoints = 0L;
            var callbacks = new TrainingCallbacks { OnCheckpoint = (c, _) => Task.FromResult(checkpoints += c.Bytes.Length) };
            var watch = Stopwatch.StartNew();
            new Trainer(new ImagePreprocessor(preprocessing), options).TrainAsync(model, train, validation, null, callbacks, cancellationToken).GetAwaiter().GetResult();
            bestTrainer = Math.Max(bestTrainer, samples / watch.Elapsed.TotalSeconds);
            BenchContext.Note($"{variant ?? "fixture"} round {round}: trainer {samples / watch.Elapsed.TotalSeconds:F2} images/s, bare {bestBare:F2} (best so far), checkpoints {checkpoints >> 20} MiB");
        }

        context.Ratio(bestTrainer, bestBare, "images/s", variant);
    }

    /// <summary>The shared torchvision fixture's BasicBlock checkpoint, used as it is.</summary>
    internal static string FixturePath()
    {
        var fixtures = Environment.GetEnvironmentVariable("ORCHESTRATOR_SHARED_FIXTURES") is { Length: > 0 } overridden
            ? overridden
            : Path.Combine(Directory.GetCurrentDirectory(), "tests", "fixtures");
        var path = Path.GetFullPath(Path.Combine(fixtures, "torchvision", "tv-resnet-basic-1111.safetensors"));
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"The shared torchvision fixture is not at {path}: run ./bench.sh from the checkout's root (the fixtures are committed under tests/fixtures), or set ORCHESTRATOR_SHARED_FIXTURES.");
    }
}
