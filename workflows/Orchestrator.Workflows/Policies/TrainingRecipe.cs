namespace Orchestrator.Workflows.Policies;

/// <summary>"training.fineTuning": how a base model's backbone is frozen and unfrozen.</summary>
/// <param name="FreezeBackbone">Train only the head at first (needs a base model or checkpoint).</param>
/// <param name="UnfreezeLastStages">With a frozen backbone: how many of its last stages train from epoch <paramref name="UnfreezeAfterEpochs"/> + 1 on (0: stays frozen).</param>
/// <param name="UnfreezeAfterEpochs">Epochs with the whole backbone frozen before those stages unfreeze.</param>
/// <param name="BackboneLearningRateMultiplier">The backbone's learning rate as a multiple of the head's, in (0, 1].</param>
public sealed record FineTuningSpec(bool FreezeBackbone = false, int UnfreezeLastStages = 0, int UnfreezeAfterEpochs = 0, double BackboneLearningRateMultiplier = 1.0);

/// <summary>"training.optimizer".</summary>
/// <param name="Kind">"adamw" or "sgd" (SGD with Nesterov momentum).</param>
/// <param name="WeightDecay">Decoupled (AdamW) or L2 (SGD) weight decay, ≥ 0 (null: 1e-4).</param>
/// <param name="Momentum">SGD momentum in [0, 1) (null: 0.9).</param>
public sealed record OptimizerSpec(string Kind = OptimizerSpec.AdamW, double? WeightDecay = null, double? Momentum = null)
{
    public const string AdamW = "adamw";
    public const string Sgd = "sgd";
}

/// <summary>"training.schedule": the learning rate over the run.</summary>
/// <param name="Kind">"constant", "cosine", "step" or "reduce-on-plateau".</param>
/// <param name="WarmupEpochs">Linear warm-up epochs before the schedule (any kind).</param>
/// <param name="StepEpochs">"step": epochs between reductions (≥ 1).</param>
/// <param name="StepGamma">"step": the factor of each reduction, in (0, 1].</param>
/// <param name="PlateauPatience">"reduce-on-plateau": epochs without improvement tolerated (≥ 0).</param>
/// <param name="PlateauFactor">"reduce-on-plateau": the factor of each reduction, in (0, 1).</param>
public sealed record ScheduleSpec(string Kind = ScheduleSpec.Cosine, int WarmupEpochs = 0, int StepEpochs = 5, double StepGamma = 0.1, int PlateauPatience = 2, double PlateauFactor = 0.1)
{
    public const string Constant = "constant";
    public const string Cosine = "cosine";
    public const string Step = "step";
    public const string ReduceOnPlateau = "reduce-on-plateau";
}

/// <summary>"training.earlyStopping": stop when the validation loss has not improved by <paramref name="MinDelta"/> for <paramref name="Patience"/> epochs.</summary>
public sealed record EarlyStoppingSpec(int Patience, double MinDelta = 1e-4);

/// <summary>"training.imbalance".</summary>
/// <param name="Strategy">"none", "class-weights", "focal-loss" (class-weighted) or "oversampling".</param>
/// <param name="FocalGamma">"focal-loss": the focusing parameter γ ≥ 0.</param>
public sealed record ImbalanceSpec(string Strategy = ImbalanceSpec.None, double FocalGamma = 2.0)
{
    public const string None = "none";
    public const string ClassWeights = "class-weights";
    public const string FocalLoss = "focal-loss";
    public const string Oversampling = "oversampling";
}

/// <summary>"training.augmentation": random transforms of training images (evaluation and serving never augment).</summary>
/// <param name="HorizontalFlip">Mirror left-right with probability 0.5.</param>
/// <param name="CropPadding">Random crop: translation by up to this many pixels, zero fill (0-64).</param>
/// <param name="Brightness">Colour jitter: brightness factor from [1-b, 1+b], b in [0, 1].</param>
/// <param name="Contrast">Colour jitter: contrast factor from [1-c, 1+c], c in [0, 1].</param>
/// <param name="Saturation">Colour jitter: saturation factor from [1-s, 1+s], s in [0, 1].</param>
/// <param name="RandomErasing">Probability in [0, 1] of erasing one random rectangle (torchvision's RandomErasing).</param>
/// <param name="Rotation">Random rotation by an angle drawn from [-r, r] degrees, r in [0, 180] (torchvision's RandomRotation: nearest pixel, zero fill); 0 never rotates.</param>
public sealed record AugmentationSpec(bool HorizontalFlip = true, int CropPadding = 4, double Brightness = 0.2, double Contrast = 0.2, double Saturation = 0.2, double RandomErasing = 0,
    double Rotation = 0);

/// <summary>The range rules of the "training" section, one message per broken rule, naming the key; empty when it is valid.</summary>
public static class TrainingSpecRules
{
    private static readonly string[] Optimizers = [OptimizerSpec.AdamW, OptimizerSpec.Sgd];
    private static readonly string[] Schedules = [ScheduleSpec.Constant, ScheduleSpec.Cosine, ScheduleSpec.Step, ScheduleSpec.ReduceOnPlateau];
    private static readonly string[] Strategies = [ImbalanceSpec.None, ImbalanceSpec.ClassWeights, ImbalanceSpec.FocalLoss, ImbalanceSpec.Oversampling];

    /// <summary>Every problem of <paramref name="spec"/>.</summary>
    public static IReadOnlyList<string> Problems(TrainingSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var problems = new List<string>();
        void Check(bool ok, string key, string rule)
        {
            if (!ok)
            {
                problems.Add($"training.{key} {rule}");
            }
        }

        Check(!string.IsNullOrWhiteSpace(spec.Architecture), "architecture", "is required");
        Check(spec.Epochs is >= 1 and <= 10_000, "epochs", "must be in [1, 10000]");
        Check(spec.BatchSize is >= 1 and <= 65_536, "batchSize", "must be in [1, 65536]");
        // No upper bound: a learning rate that makes training diverge is the Trainer's to report ("training diverged: ..."), in the run's evidence.
        Check(double.IsFinite(spec.LearningRate) && spec.LearningRate > 0, "learningRate", "must be a positive finite number");
        Check(spec.LabelSmoothing is null or (>= 0 and < 1), "labelSmoothing", "must be in [0, 1)");
        Check(spec.GradientClipNorm is null or (>= 0 and <= 1e6), "gradientClipNorm", "must be in [0, 1e6] (0 disables clipping)");
        if (spec.FineTuning is { } f)
        {
            Check(f.UnfreezeLastStages is >= 0 and <= 100, "fineTuning.unfreezeLastStages", "must be in [0, 100]");
            Check(f.UnfreezeAfterEpochs >= 0, "fineTuning.unfreezeAfterEpochs", "must be ≥ 0");
            Check(f.UnfreezeLastStages == 0 || f.FreezeBackbone, "fineTuning.unfreezeLastStages", "needs fineTuning.freezeBackbone: only a frozen backbone can be unfrozen");
            Check(f.BackboneLearningRateMultiplier is > 0 and <= 1, "fineTuning.backboneLearningRateMultiplier", "must be in (0, 1]");
        }

        if (spec.Optimizer is { } o)
        {
            Check(Optimizers.Contains(o.Kind), "optimizer.kind", $"must be one of {string.Join(", ", Optimizers)}");
            Check(o.WeightDecay is null or (>= 0 and <= 1), "optimizer.weightDecay", "must be in [0, 1]");
            Check(o.Momentum is null or (>= 0 and < 1), "optimizer.momentum", "must be in [0, 1)");
        }

        if (spec.Schedule is { } s)
        {
            Check(Schedules.Contains(s.Kind), "schedule.kind", $"must be one of {string.Join(", ", Schedules)}");
            Check(s.WarmupEpochs >= 0 && s.WarmupEpochs < Math.Max(1, spec.Epochs), "schedule.warmupEpochs", "must be in [0, epochs)");
            Check(s.StepEpochs >= 1, "schedule.stepEpochs", "must be ≥ 1");
            Check(s.StepGamma is > 0 and <= 1, "schedule.stepGamma", "must be in (0, 1]");
            Check(s.PlateauPatience >= 0, "schedule.plateauPatience", "must be ≥ 0");
            Check(s.PlateauFactor is > 0 and < 1, "schedule.plateauFactor", "must be in (0, 1)");
        }

        if (spec.EarlyStopping is { } e)
        {
            Check(e.Patience >= 1, "earlyStopping.patience", "must be ≥ 1");
            Check(e.MinDelta >= 0, "earlyStopping.minDelta", "must be ≥ 0");
        }

        if (spec.Imbalance is { } i)
        {
            Check(Strategies.Contains(i.Strategy), "imbalance.strategy", $"must be one of {string.Join(", ", Strategies)}");
            Check(i.FocalGamma is >= 0 and <= 10, "imbalance.focalGamma", "must be in [0, 10]");
            Check(!(i.Strategy == ImbalanceSpec.FocalLoss && spec.LabelSmoothing > 0), "labelSmoothing", "does not combine with imbalance.strategy focal-loss");
        }

        if (spec.Augmentation is { } a)
        {
            Check(a.CropPadding is >= 0 and <= 64, "augmentation.cropPadding", "must be in [0, 64]");
            Check(a.Brightness is >= 0 and <= 1, "augmentation.brightness", "must be in [0, 1]");
            Check(a.Contrast is >= 0 and <= 1, "augmentation.contrast", "must be in [0, 1]");
            Check(a.Saturation is >= 0 and <= 1, "augmentation.saturation", "must be in [0, 1]");
            Check(a.RandomErasing is >= 0 and <= 1, "augmentation.randomErasing", "must be in [0, 1]");
            Check(a.Rotation is >= 0 and <= 180, "augmentation.rotation", "must be in [0, 180] degrees");
        }

        return problems;
    }
}
