namespace Orchestrator.Ml.Training;

/// <summary>Which optimiser updates the weights.</summary>
public enum OptimizerKind
{
    AdamW,
    SgdMomentum,
}

/// <summary>How the learning rate evolves over the run.</summary>
public enum ScheduleKind
{
    Constant,

    /// <summary>Cosine annealing from the base rate to zero over all steps, after an optional linear warm-up.</summary>
    Cosine,

    /// <summary>Multiplied by <see cref="TrainingOptions.StepGamma"/> every <see cref="TrainingOptions.StepEpochs"/> epochs.</summary>
    Step,

    /// <summary>
    /// Multiplied by <see cref="TrainingOptions.PlateauFactor"/> each time the monitored validation loss has not improved by
    /// <see cref="TrainingOptions.MinDelta"/> for more than <see cref="TrainingOptions.PlateauPatience"/> epochs (PyTorch's
    /// ReduceLROnPlateau, mode min, absolute threshold, no cooldown); a function of the epoch history, so a resumed run needs no state.
    /// </summary>
    ReduceOnPlateau,
}

/// <summary>How class imbalance is handled in the loss.</summary>
public enum ImbalanceHandling
{
    None,

    /// <summary>Cross-entropy weighted by N / (classes x count of the class).</summary>
    ClassWeights,

    /// <summary>Focal loss (Lin et al. 2017) with <see cref="TrainingOptions.FocalGamma"/>, also class-weighted.</summary>
    FocalLoss,

    /// <summary>Each epoch repeats the images of smaller classes until every class has as many as the largest (plain cross-entropy).</summary>
    Oversampling,
}

/// <summary>
/// Hyperparameters of one training run; recorded verbatim in the audit trail and in every checkpoint.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Single-label: softmax head, cross-entropy. Multi-label: one sigmoid per label, binary cross-entropy on multi-hot targets.</summary>
    public Contracts.TaskKind Task { get; init; } = Contracts.TaskKind.SingleLabel;

    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 64;
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.AdamW;
    public double LearningRate { get; init; } = 3e-3;
    public double WeightDecay { get; init; } = 1e-4;
    public double Momentum { get; init; } = 0.9;
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Cosine;
    public int WarmupEpochs { get; init; }
    public int StepEpochs { get; init; } = 5;
    public double StepGamma { get; init; } = 0.1;

    /// <summary>Stop when validation loss has not improved by <see cref="MinDelta"/> for this many epochs; 0 disables.</summary>
    public int EarlyStoppingPatience { get; init; }
    public double MinDelta { get; init; } = 1e-4;

    /// <summary>Restores the weights of the best validation epoch at the end of the run.</summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>Maximum L2 norm of the gradient; 0 disables clipping.</summary>
    public double GradientClipNorm { get; init; } = 5.0;
    public ImbalanceHandling Imbalance { get; init; } = ImbalanceHandling.None;
    public double FocalGamma { get; init; } = 2.0;

    /// <summary>Reductions of <see cref="ScheduleKind.ReduceOnPlateau"/>: epochs without improvement tolerated, and the factor applied.</summary>
    public int PlateauPatience { get; init; } = 2;
    public double PlateauFactor { get; init; } = 0.1;

    /// <summary>Label smoothing ε of the cross-entropy (targets (1-ε) one-hot + ε/C); 0 disables.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>Trains only the head (transfer learning); backbone batch norm stays in inference mode.</summary>
    public bool FreezeBackbone { get; init; }

    /// <summary>With <see cref="FreezeBackbone"/>: from epoch <see cref="UnfreezeAfterEpochs"/> + 1 on, the last this many backbone
    /// stages (<see cref="Models.ImageClassifier.StagePrefixes"/>) train too; 0 keeps the whole backbone frozen.</summary>
    public int UnfreezeLastStages { get; init; }

    /// <summary>Epochs trained with the whole backbone frozen before <see cref="UnfreezeLastStages"/> stages are unfrozen.</summary>
    public int UnfreezeAfterEpochs { get; init; }

    /// <summary>The backbone's learning rate as a multiple of the head's (differential learning rates); 1 trains both alike.</summary>
    public double BackboneLearningRateMultiplier { get; init; } = 1.0;
    public AugmentationOptions Augmentation { get; init; } = new();
    public long Seed { get; init; } = 42;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 1, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(LearningRate, nameof(LearningRate));
        ArgumentOutOfRangeException.ThrowIfNegative(WeightDecay, nameof(WeightDecay));
        ArgumentOutOfRangeException.ThrowIfNegative(WarmupEpochs, nameof(WarmupEpochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(StepEpochs, 1, nameof(StepEpochs));
        ArgumentOutOfRangeException.ThrowIfNegative(EarlyStoppingPatience, nameof(EarlyStoppingPatience));
        ArgumentOutOfRangeException.ThrowIfNegative(GradientClipNorm, nameof(GradientClipNorm));
        ArgumentOutOfRangeException.ThrowIfNegative(FocalGamma, nameof(FocalGamma));
        ArgumentOutOfRangeException.ThrowIfLessThan(PlateauPatience, 0, nameof(PlateauPatience));
        if (!(PlateauFactor > 0 && PlateauFactor < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(PlateauFactor), PlateauFactor, "The plateau factor must be in (0, 1).");
        }

        if (!(LabelSmoothing >= 0 && LabelSmoothing < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(LabelSmoothing), LabelSmoothing, "Label smoothing must be in [0, 1).");
        }

        if (Task == Contracts.TaskKind.MultiLabel && (Imbalance != ImbalanceHandling.None || LabelSmoothing > 0))
        {
            throw new ArgumentException("Class weights, focal loss, oversampling and label smoothing are defined over one class per image; a multi-label run takes none of them.", nameof(Task));
        }

        if (LabelSmoothing > 0 && Imbalance == ImbalanceHandling.FocalLoss)
        {
            throw new ArgumentException("Label smoothing applies to the cross-entropy; focal loss does not take it.", nameof(LabelSmoothing));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(UnfreezeLastStages, nameof(UnfreezeLastStages));
        ArgumentOutOfRangeException.ThrowIfNegative(UnfreezeAfterEpochs, nameof(UnfreezeAfterEpochs));
        if (UnfreezeLastStages > 0 && !FreezeBackbone)
        {
            throw new ArgumentException("Unfreezing stages needs a frozen backbone to unfreeze.", nameof(UnfreezeLastStages));
        }

        if (!(BackboneLearningRateMultiplier > 0 && BackboneLearningRateMultiplier <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(BackboneLearningRateMultiplier), BackboneLearningRateMultiplier, "The backbone's learning-rate multiplier must be in (0, 1].");
        }

        if (!(Augmentation.RandomErasing is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Augmentation), Augmentation.RandomErasing, "The random-erasing probability must be in [0, 1].");
        }

        if (!(Augmentation.Rotation is >= 0 and <= 180))
        {
            throw new ArgumentOutOfRangeException(nameof(Augmentation), Augmentation.Rotation, "The rotation range must be in [0, 180] degrees.");
        }
    }

    /// <summary>Whether the backbone needs its own optimiser group: a different learning rate, or stages unfrozen during the run.</summary>
    internal bool SplitsBackbone => BackboneLearningRateMultiplier != 1.0 || UnfreezeLastStages > 0;
}
