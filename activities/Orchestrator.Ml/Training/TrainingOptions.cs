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
}

/// <summary>How class imbalance is handled in the loss.</summary>
public enum ImbalanceHandling
{
    None,

    /// <summary>Cross-entropy weighted by N / (classes x count of the class).</summary>
    ClassWeights,

    /// <summary>Focal loss (Lin et al. 2017) with <see cref="TrainingOptions.FocalGamma"/>, also class-weighted.</summary>
    FocalLoss,
}

/// <summary>
/// Hyperparameters of one training run; recorded verbatim in the audit trail and in every checkpoint.
/// </summary>
public sealed record TrainingOptions
{
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

    /// <summary>Trains only the head (transfer learning); backbone batch norm stays in inference mode.</summary>
    public bool FreezeBackbone { get; init; }
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
    }
}
