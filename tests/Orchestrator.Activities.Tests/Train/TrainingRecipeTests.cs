using Orchestrator.Activities.Train;
using Orchestrator.Ml.Training;
using Orchestrator.Workflows.Policies;

namespace Orchestrator.Activities.Tests.Train;

/// <summary>Every key of the policy's training section reaches the trainer's options (the Train activity builds its options with this one mapping).</summary>
public sealed class TrainingRecipeTests
{
    private static readonly TrainingSpec Full = new("resnet18", Epochs: 9, BatchSize: 12, LearningRate: 0.02, Seed: 31, null,
        new FineTuningSpec(FreezeBackbone: true, UnfreezeLastStages: 2, UnfreezeAfterEpochs: 3, BackboneLearningRateMultiplier: 0.1),
        new OptimizerSpec(OptimizerSpec.Sgd, WeightDecay: 5e-4, Momentum: 0.8),
        new ScheduleSpec(ScheduleSpec.ReduceOnPlateau, WarmupEpochs: 1, StepEpochs: 4, StepGamma: 0.5, PlateauPatience: 3, PlateauFactor: 0.2),
        LabelSmoothing: 0.1, GradientClipNorm: 1.5, new EarlyStoppingSpec(Patience: 4, MinDelta: 0.01), new ImbalanceSpec(ImbalanceSpec.ClassWeights),
        new AugmentationSpec(HorizontalFlip: false, CropPadding: 8, Brightness: 0.1, Contrast: 0.3, Saturation: 0.4, RandomErasing: 0.25, Rotation: 15));

    [Fact]
    public void Options_EveryKeySet_ReachesItsTrainerOption()
    {
        var o = TrainingRecipe.Options(Full);

        (o.Epochs, o.BatchSize, o.LearningRate, o.Seed).ShouldBe((9, 12, 0.02, 31L));
        (o.FreezeBackbone, o.UnfreezeLastStages, o.UnfreezeAfterEpochs, o.BackboneLearningRateMultiplier).ShouldBe((true, 2, 3, 0.1));
        (o.Optimizer, o.WeightDecay, o.Momentum).ShouldBe((OptimizerKind.SgdMomentum, 5e-4, 0.8));
        (o.Schedule, o.WarmupEpochs, o.StepEpochs, o.StepGamma, o.PlateauPatience, o.PlateauFactor).ShouldBe((ScheduleKind.ReduceOnPlateau, 1, 4, 0.5, 3, 0.2));
        (o.LabelSmoothing, o.GradientClipNorm, o.EarlyStoppingPatience, o.MinDelta).ShouldBe((0.1, 1.5, 4, 0.01));
        o.Imbalance.ShouldBe(ImbalanceHandling.ClassWeights);
        o.Augmentation.ShouldBe(new AugmentationOptions(false, 8, 0.1f, 0.3f, 0.4f, 0.25f, 15f));
        Should.NotThrow(o.Validate);
    }

    [Fact]
    public void Options_NoRecipeKeys_KeepTheTrainersDefaults()
    {
        var o = TrainingRecipe.Options(new TrainingSpec("resnet-tiny", 6, 32, 0.003, 7));

        o.ShouldBe(new TrainingOptions { Epochs = 6, BatchSize = 32, LearningRate = 0.003, Seed = 7 });
    }

    [Theory]
    [InlineData(ScheduleSpec.Constant, ScheduleKind.Constant)]
    [InlineData(ScheduleSpec.Cosine, ScheduleKind.Cosine)]
    [InlineData(ScheduleSpec.Step, ScheduleKind.Step)]
    [InlineData(ScheduleSpec.ReduceOnPlateau, ScheduleKind.ReduceOnPlateau)]
    public void Options_ScheduleKind_MapsToTheTrainersSchedule(string kind, ScheduleKind expected) =>
        TrainingRecipe.Options(Full with { Schedule = new ScheduleSpec(kind) }).Schedule.ShouldBe(expected);

    [Theory]
    [InlineData(ImbalanceSpec.None, ImbalanceHandling.None)]
    [InlineData(ImbalanceSpec.ClassWeights, ImbalanceHandling.ClassWeights)]
    [InlineData(ImbalanceSpec.FocalLoss, ImbalanceHandling.FocalLoss)]
    [InlineData(ImbalanceSpec.Oversampling, ImbalanceHandling.Oversampling)]
    public void Options_ImbalanceStrategy_MapsToTheTrainersHandling(string strategy, ImbalanceHandling expected) =>
        TrainingRecipe.Options(Full with { LabelSmoothing = null, Imbalance = new ImbalanceSpec(strategy, FocalGamma: 1.5) }).Imbalance.ShouldBe(expected);

    [Fact]
    public void Options_AdamWAndRetrainFreeze_AdamWWithTheRunsFreeze()
    {
        var o = TrainingRecipe.Options(Full with { Optimizer = new OptimizerSpec(OptimizerSpec.AdamW), FineTuning = null }, freezeBackbone: true);

        (o.Optimizer, o.FreezeBackbone, o.WeightDecay).ShouldBe((OptimizerKind.AdamW, true, new TrainingOptions().WeightDecay));
    }

    [Fact]
    public void Options_OutOfRange_RefusedNamingEveryBadKey()
    {
        var bad = Full with { LabelSmoothing = 1.0, Schedule = new ScheduleSpec("linear"), FineTuning = new FineTuningSpec(UnfreezeLastStages: 1) };

        var refused = Should.Throw<ArgumentException>(() => TrainingRecipe.Options(bad));

        refused.Message.ShouldContain("training.labelSmoothing");
        refused.Message.ShouldContain("training.schedule.kind");
        refused.Message.ShouldContain("training.fineTuning.unfreezeLastStages");
    }

    [Fact]
    public void DescribeAndVerbatim_FullRecipe_RecordEverySetting()
    {
        var described = TrainingRecipe.Describe(TrainingRecipe.Options(Full));
        var verbatim = TrainingRecipe.Verbatim(Full);

        described["training.optimizer"].ShouldBe("sgd");
        described["training.momentum"].ShouldBe("0.8");
        described["training.schedule"].ShouldBe("reduce-on-plateau (patience 3, factor 0.2)");
        described["training.label-smoothing"].ShouldBe("0.1");
        described["training.early-stopping"].ShouldBe("patience 4, min-delta 0.01");
        described["training.imbalance"].ShouldBe("class-weights");
        described["training.unfreeze"].ShouldBe("last 2 stages after 3 epochs");
        described["training.backbone-lr-multiplier"].ShouldBe("0.1");
        described["training.augmentation"].ShouldBe("flip off, crop padding 8, brightness 0.1, contrast 0.3, saturation 0.4, random erasing 0.25, rotation 15 degrees");
        verbatim.ShouldContain("\"fineTuning\":{\"freezeBackbone\":true,\"unfreezeLastStages\":2,\"unfreezeAfterEpochs\":3,\"backboneLearningRateMultiplier\":0.1}");
        verbatim.ShouldContain("\"labelSmoothing\":0.1");
        verbatim.ShouldContain("\"randomErasing\":0.25,\"rotation\":15}");
        verbatim.ShouldNotContain("heartbeatTimeout");
    }
}
