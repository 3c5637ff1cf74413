namespace Orchestrator.Ml.Training;

/// <summary>
/// The learning rate as a pure function of the position in the run, so a resumed run needs no scheduler
/// state beyond the epoch it restarts at.
/// </summary>
public static class LearningRateSchedule
{
    /// <summary>Rate for <paramref name="batch"/> (0-based) of <paramref name="epoch"/> (0-based).</summary>
    public static double At(TrainingOptions options, int epoch, int batch, int batchesPerEpoch)
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
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Schedule, "Unknown schedule."),
        };
    }

    private static double Cosine(TrainingOptions options, double progress)
    {
        var span = Math.Max(1e-9, options.Epochs - options.WarmupEpochs);
        var t = Math.Clamp((progress - options.WarmupEpochs) / span, 0, 1);
        return options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * t));
    }
}
