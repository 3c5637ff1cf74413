using Orchestrator.Ml.Models;
using Orchestrator.Ml.Training;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Tests.Training;

/// <summary>The fine-tuning recipe's settings as the trainer applies them: each one changes what trains, measurably.</summary>
public sealed class RecipeTrainingTests
{
    private static readonly ModelSpec TinySpec = new(Architecture.ResNet32, NumClasses: 4, Width: 4, BlocksPerStage: 1, Stages: 2);
    private static readonly LabeledImage[] Train = ShapeImages.Generate(32, seed: 11);
    private static readonly ResNet Template = new(TinySpec);

    private static ResNet NewModel()
    {
        var model = new ResNet(TinySpec);
        model.load_state_dict(Template.state_dict());
        return model;
    }

    private static TrainingOptions Options(int epochs) => new()
    {
        Epochs = epochs, BatchSize = 16, Seed = 5, LearningRate = 1e-2, Schedule = ScheduleKind.Constant, Augmentation = AugmentationOptions.None,
    };

    private static async Task<List<Dictionary<string, Tensor>>> TrainAsync(ResNet model, TrainingOptions options)
    {
        var snapshots = new List<Dictionary<string, Tensor>> { Snapshot(model) };
        await new Trainer(new ImagePreprocessor(Preprocessing.Centered(32)), options).TrainAsync(model, Train, null, null,
            new TrainingCallbacks { OnCheckpoint = (_, _) => { snapshots.Add(Snapshot(model)); return Task.CompletedTask; } }, TestContext.Current.CancellationToken);
        return snapshots;
    }

    [Fact]
    public async Task TrainAsync_UnfreezeLastStageAfterOneEpoch_FrozenThenOnlyTheLastStageAndHeadMove()
    {
        using var model = NewModel();
        var stages = model.StagePrefixes();
        var last = stages[^1];

        var snapshots = await TrainAsync(model, Options(2) with { FreezeBackbone = true, UnfreezeLastStages = 1, UnfreezeAfterEpochs = 1, RestoreBestWeights = false });

        stages.Count.ShouldBeGreaterThan(2);
        foreach (var (key, before) in snapshots[0].Where(p => model.named_parameters().Any(n => n.name == p.Key)))
        {
            var head = model.IsHeadKey(key);
            var inLast = ImageClassifier.StageOf(key) == last;
            Same(before, snapshots[1][key]).ShouldBe(!head, $"epoch 1: {key}");
            Same(snapshots[1][key], snapshots[2][key]).ShouldBe(!head && !inLast, $"epoch 2: {key}");
        }
    }

    [Fact]
    public async Task TrainAsync_BackboneMultiplier_ScalesTheBackboneStepNotTheHeads()
    {
        // AdamW's first step moves each weight by about lr (its sign), plus decay lr * wd * w: linear in the group's rate.
        using var full = NewModel();
        using var scaled = NewModel();
        var one = Options(1) with { WeightDecay = 0, GradientClipNorm = 0 };

        var fullSteps = await TrainAsync(full, one with { BatchSize = 32 });
        var scaledSteps = await TrainAsync(scaled, one with { BatchSize = 32, BackboneLearningRateMultiplier = 0.1 });

        var backbone = full.named_parameters().Select(p => p.name).First(n => n.StartsWith("stem_conv.", StringComparison.Ordinal));
        var headKey = full.named_parameters().Select(p => p.name).First(full.IsHeadKey);
        Step(scaledSteps, backbone).ShouldBe(0.1 * Step(fullSteps, backbone), 1e-3 * Step(fullSteps, backbone));
        Step(scaledSteps, headKey).ShouldBe(Step(fullSteps, headKey), 1e-6);
    }

    [Fact]
    public async Task TrainAsync_Oversampling_TrainsOnTheBalancedEpoch()
    {
        // Three images of class 0, one of class 1: the epoch has six images, so batches of two give three steps.
        var images = Train.Where(i => i.Label == 0).Take(3).Concat(Train.Where(i => i.Label == 1).Take(1)).ToArray();
        using var model = NewModel();
        var batches = new List<TrainingProgress>();

        await new Trainer(new ImagePreprocessor(Preprocessing.Centered(32)), Options(1) with { BatchSize = 2, Imbalance = ImbalanceHandling.Oversampling })
            .TrainAsync(model, images, null, null, new TrainingCallbacks { OnBatch = batches.Add }, TestContext.Current.CancellationToken);

        batches.Count.ShouldBe(3);
        batches[0].BatchesPerEpoch.ShouldBe(3);
    }

    [Fact]
    public void Balance_ImbalancedClasses_RepeatsEachClassToTheLargestCount()
    {
        var images = Train.Where(i => i.Label == 0).Take(5).Concat(Train.Where(i => i.Label == 2).Take(2)).ToArray();

        var balanced = Oversampling.Balance(images, 4);

        balanced.Count.ShouldBe(10);
        balanced.Count(i => i.Label == 0).ShouldBe(5);
        balanced.Count(i => i.Label == 2).ShouldBe(5);
        balanced.Where(i => i.Label == 2).Distinct().Count().ShouldBe(2);
    }

    [Fact]
    public void Compute_LabelSmoothing_IsTheSmoothedCrossEntropy()
    {
        using var logits = tensor(new float[] { 2f, 0f, -1f }, [1, 3]);
        using var target = tensor(new long[] { 0 }, [1]);
        var logP = new[] { 2.0, 0.0, -1.0 }.Select(v => v - Math.Log(Math.Exp(2) + Math.Exp(0) + Math.Exp(-1))).ToArray();
        var expected = (0.9 * -logP[0]) + (0.1 * -logP.Average());

        using var smoothed = Losses.Compute(new TrainingOptions { LabelSmoothing = 0.1 }, logits, target, null);
        using var plain = Losses.Compute(new TrainingOptions(), logits, target, null);

        smoothed.item<float>().ShouldBe((float)expected, 1e-5f);
        plain.item<float>().ShouldBe((float)-logP[0], 1e-5f);
    }

    [Fact]
    public void PlateauReductions_NoImprovementBeyondPatience_ReducesOncePerPlateau()
    {
        var options = new TrainingOptions { Schedule = ScheduleKind.ReduceOnPlateau, PlateauPatience = 1, PlateauFactor = 0.5, MinDelta = 0.01, LearningRate = 0.1 };
        EpochMetrics Epoch(int n, double loss) => new(n, loss, 0, loss, 0, 0, 0);
        var history = new[] { Epoch(1, 1.0), Epoch(2, 0.995), Epoch(3, 0.999), Epoch(4, 0.5), Epoch(5, 0.6), Epoch(6, 0.6) };

        LearningRateSchedule.PlateauReductions(options, history, 2).ShouldBe(0);
        LearningRateSchedule.PlateauReductions(options, history, 3).ShouldBe(1);
        LearningRateSchedule.PlateauReductions(options, history, 6).ShouldBe(2);
        LearningRateSchedule.At(options, 3, 0, 10, history).ShouldBe(0.05, 1e-12);
        LearningRateSchedule.At(options, 6, 0, 10, history).ShouldBe(0.025, 1e-12);
    }

    [Fact]
    public void Validate_RecipeOutOfRange_IsRefusedNamingTheSetting()
    {
        Should.Throw<ArgumentException>(() => new TrainingOptions { UnfreezeLastStages = 2 }.Validate()).ParamName.ShouldBe("UnfreezeLastStages");
        Should.Throw<ArgumentException>(() => new TrainingOptions { LabelSmoothing = 1 }.Validate()).ParamName.ShouldBe("LabelSmoothing");
        Should.Throw<ArgumentException>(() => new TrainingOptions { BackboneLearningRateMultiplier = 0 }.Validate()).ParamName.ShouldBe("BackboneLearningRateMultiplier");
        Should.Throw<ArgumentException>(() => new TrainingOptions { LabelSmoothing = 0.1, Imbalance = ImbalanceHandling.FocalLoss }.Validate()).ParamName.ShouldBe("LabelSmoothing");
    }

    private static double Step(List<Dictionary<string, Tensor>> snapshots, string key)
    {
        using var delta = (snapshots[1][key] - snapshots[0][key]).abs().mean();
        return delta.item<float>();
    }

    private static Dictionary<string, Tensor> Snapshot(ImageClassifier model) =>
        model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());

    private static bool Same(Tensor a, Tensor b) => a.allclose(b, 0, 0);
}
