namespace Orchestrator.Ml.Training;

/// <summary>
/// The learning rate as a pure function of the position in the run, so a resumed run needs no scheduler
/// state beyond the epoch it restarts at.
/// </summary>
public static class LearningRateSchedule
{
    /// <summary>Rate for <paramref name="batch"/> (0-based) of <paramref name="epoch"/> (0-based); <paramref name="history"/> holds the
    /// finished epochs, which <see cref="ScheduleKind.ReduceOnPlateau"/> reads (the other schedules ignore it).</summary>
    public static double At(TrainingOptions options, int epoch, int batch, int batchesPerEpoch, IReadOnlyList<EpochMetrics>? history = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var progress = epoch + ((double)batch / Math.Max(1, batchesPerEpoch));
        if (options.WarmupEpochs > 0 && progress < options.WarmupEpochs)
        {
            return options.LearningRate * (progress + (1.0 / Math.Max(1, batchesPerEpoch))) / options.WarmupEpochs;
        }

        return options.Schedule switch
        {
            ScheduleKind.Constant => options.LearningRate,
            ScheduleKind.Step => options.LearningRate * Math.Pow(options.StepGamma, epoch / options.StepEpochs),
            ScheduleKind.Cosine => Cosine(options, progress),
            ScheduleKind.ReduceOnPlateau => options.LearningRate * Math.Pow(options.PlateauFactor, PlateauReductions(options, history ?? [], epoch)),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Schedule, "Unknown schedule."),
        };
    }

    /// <summary>
    /// How often ReduceLROnPlateau would have reduced the rate after the first <paramref name="epochs"/> epochs: the monitored loss
    /// (validation, else training) must beat the best by <see cref="TrainingOptions.MinDelta"/>; more than
    /// <see cref="TrainingOptions.PlateauPatience"/> epochs without that reduce once and start counting again.
    /// </summary>
    public static int PlateauReductions(TrainingOptions options, IReadOnlyList<EpochMetrics> history, int epochs)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(history);
        var best = double.PositiveInfinity;
        var bad = 0;
        var reductions = 0;
        foreach (var metrics in history.Take(epochs))
        {
            var monitored = double.IsNaN(metrics.ValidationLoss) ? metrics.TrainLoss : metrics.ValidationLoss;
            if (monitored < best - options.MinDelta)
            {
                best = monitored;
                bad = 0;
            }
            else if (++bad > options.PlateauPatience)
            {
                reductions++;
                bad = 0;
            }
        }

        return reductions;
    }

    private static double Cosine(TrainingOptions options, double progress)
    {
        var span = Math.Max(1e-9, options.Epochs - options.WarmupEpochs);
        var t = Math.Clamp((progress - options.WarmupEpochs) / span, 0, 1);
        return options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * t));
    }
}
