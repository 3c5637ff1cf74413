using System.Diagnostics;
using Orchestrator.Ml.Data;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Training;
using TorchSharp;

namespace Orchestrator.Ml.Tests.Training;

/// <summary>Runs alone in this test process so the timing is not shared with other training tests.</summary>
[CollectionDefinition(nameof(ShapesAccuracyTests), DisableParallelization = true)]
public sealed class ShapesAccuracyRunsAlone;

/// <summary>
/// The acceptance: >= 90% test accuracy on 4-class 32x32 shapes within 3 minutes on 2 CPU cores.
/// The time bound is checked on CPU time (process CPU seconds / 2 cores) because the machines running the
/// suite share their 2 cores with other test projects, so wall time there measures the neighbours too;
/// the wall time is printed alongside.
/// </summary>
[Collection(nameof(ShapesAccuracyTests))]
public sealed class ShapesAccuracyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TrainAsync_SyntheticShapes_ReachesNinetyPercentWithinThreeMinutes()
    {
        var train = ShapeImages.Generate(2000, seed: 100);
        var validation = ShapeImages.Generate(300, seed: 200);
        var test = ShapeImages.Generate(500, seed: 300);
        var options = new TrainingOptions
        {
            Epochs = 4,
            WarmupEpochs = 1,
            BatchSize = 32,
            LearningRate = 3e-3,
            Seed = 17,
            Augmentation = new AugmentationOptions(HorizontalFlip: true, CropPadding: 2, Brightness: 0.1f, Contrast: 0.1f, Saturation: 0.1f),
        };
        var trainer = new Trainer(new ImagePreprocessor(Preprocessing.Centered(32)), options);
        torch.manual_seed(2024); // safe: this class runs alone, nobody else draws from the global generator
        using var model = new ResNet(new ModelSpec(Architecture.ResNet32, NumClasses: 4, Width: 8, BlocksPerStage: 1, Stages: 3, StemStride: 2));
        var clock = Stopwatch.StartNew();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;

        var result = await trainer.TrainAsync(model, train, validation, null,
            new TrainingCallbacks { OnEpoch = e => output.WriteLine($"{e}") }, TestContext.Current.CancellationToken);
        var (_, accuracy) = trainer.Evaluate(model, test, torch.CPU, TestContext.Current.CancellationToken);

        var onTwoCores = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore) / Math.Min(2, Environment.ProcessorCount);
        output.WriteLine($"test accuracy {accuracy:P1}; {onTwoCores.TotalSeconds:F0} s on 2 cores (CPU time), {clock.Elapsed.TotalSeconds:F0} s wall, {result.History.Count} epochs");
        accuracy.ShouldBeGreaterThanOrEqualTo(0.90);
        onTwoCores.ShouldBeLessThan(TimeSpan.FromMinutes(3));
    }

    [Fact]
    public async Task TrainAsync_ProjectSyntheticShapesDataset_ReachesNinetyPercentWithinThreeMinutes()
    {
        // The data stage's own generator (random colours, rotation, night and clutter slices).
        LabeledImage[] Split(long seed, int count) =>
            new SyntheticShapes(new SyntheticShapesOptions(seed, count)).Generate()
                .Select(i => LabeledImages.FromSynthetic(i, SyntheticShapes.DefaultClasses)).ToArray();
        var train = Split(1, 2000);
        var validation = Split(2, 300);
        var test = Split(3, 500);
        var options = new TrainingOptions
        {
            Epochs = 6,
            WarmupEpochs = 1,
            BatchSize = 32,
            LearningRate = 3e-3,
            Seed = 17,
            Augmentation = new AugmentationOptions(HorizontalFlip: true, CropPadding: 2, Brightness: 0.1f, Contrast: 0.1f, Saturation: 0.1f),
        };
        var trainer = new Trainer(new ImagePreprocessor(Preprocessing.Centered(32)), options);
        torch.manual_seed(2024);
        using var model = new ResNet(new ModelSpec(Architecture.ResNet32, NumClasses: 4, Width: 8, BlocksPerStage: 1, Stages: 3, StemStride: 2));
        var clock = Stopwatch.StartNew();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;

        await trainer.TrainAsync(model, train, validation, null, new TrainingCallbacks { OnEpoch = e => output.WriteLine($"{e}") }, TestContext.Current.CancellationToken);
        var (_, accuracy) = trainer.Evaluate(model, test, torch.CPU, TestContext.Current.CancellationToken);

        var onTwoCores = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore) / Math.Min(2, Environment.ProcessorCount);
        output.WriteLine($"test accuracy {accuracy:P1}; {onTwoCores.TotalSeconds:F0} s on 2 cores (CPU time), {clock.Elapsed.TotalSeconds:F0} s wall");
        accuracy.ShouldBeGreaterThanOrEqualTo(0.90);
        onTwoCores.ShouldBeLessThan(TimeSpan.FromMinutes(3));
    }
}
