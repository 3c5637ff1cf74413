namespace Orchestrator.Ml.Training;

/// <summary>Reported after every batch: 1-based epoch and batch, the batch's loss and learning rate.</summary>
public sealed record TrainingProgress(int Epoch, int Batch, int BatchesPerEpoch, double Loss, double LearningRate);

/// <summary>Figures of one finished epoch (1-based); validation figures are NaN without a validation split.</summary>
public sealed record EpochMetrics(int Epoch, double TrainLoss, double TrainAccuracy, double ValidationLoss, double ValidationAccuracy, double LearningRate, double Seconds);

/// <summary>The outcome of a run: the per-epoch history (including epochs done before a resume).</summary>
public sealed record TrainingResult(IReadOnlyList<EpochMetrics> History, int BestEpoch, double BestValidationLoss, bool StoppedEarly, int ResumedFromEpoch);

/// <summary>Hooks the trainer calls; the Temporal activity heartbeats from the first and uploads from the second.</summary>
public sealed record TrainingCallbacks
{
    /// <summary>After every optimiser step.</summary>
    public Action<TrainingProgress>? OnBatch { get; init; }

    /// <summary>After every epoch, with a checkpoint the run can be resumed from.</summary>
    public Func<TrainingCheckpoint, CancellationToken, Task>? OnCheckpoint { get; init; }

    /// <summary>After every epoch, with its figures.</summary>
    public Action<EpochMetrics>? OnEpoch { get; init; }
}
