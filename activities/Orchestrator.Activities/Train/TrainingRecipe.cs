using System.Globalization;
using System.Text.Json;
using Orchestrator.Ml.Training;
using Orchestrator.Workflows.Policies;

namespace Orchestrator.Activities.Train;

/// <summary>
/// The policy's "training" section turned into the trainer's options, and back into the strings the evidence records. One
/// mapping, so what a policy says is what trains: every key present sets its option; every key absent leaves the trainer's
/// default (the run records the value used either way).
/// </summary>
public static class TrainingRecipe
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The options <paramref name="spec"/> asks for; <paramref name="freezeBackbone"/> adds the run's own freeze request (a retrain's).</summary>
    /// <exception cref="ArgumentException">The section breaks a range rule (<see cref="TrainingSpecRules"/>) or names an unknown kind.</exception>
    public static TrainingOptions Options(TrainingSpec spec, bool freezeBackbone = false)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (TrainingSpecRules.Problems(spec) is { Count: > 0 } problems)
        {
            throw new ArgumentException("The policy's training section is not valid: " + string.Join("; ", problems), nameof(spec));
        }

        var defaults = new TrainingOptions();
        var fine = spec.FineTuning ?? new FineTuningSpec();
        var optimizer = spec.Optimizer ?? new OptimizerSpec();
        var schedule = spec.Schedule ?? new ScheduleSpec();
        var augmentation = spec.Augmentation is { } a
            ? new AugmentationOptions(a.HorizontalFlip, a.CropPadding, (float)a.Brightness, (float)a.Contrast, (float)a.Saturation, (float)a.RandomErasing, (float)a.Rotation)
            : defaults.Augmentation;
        return defaults with
        {
            Epochs = spec.Epochs,
            BatchSize = spec.BatchSize,
            LearningRate = spec.LearningRate,
            Seed = spec.Seed,
            Optimizer = optimizer.Kind == OptimizerSpec.Sgd ? OptimizerKind.SgdMomentum : OptimizerKind.AdamW,
            WeightDecay = optimizer.WeightDecay ?? defaults.WeightDecay,
            Momentum = optimizer.Momentum ?? defaults.Momentum,
            Schedule = schedule.Kind switch
            {
                ScheduleSpec.Constant => ScheduleKind.Constant,
                ScheduleSpec.Step => ScheduleKind.Step,
                ScheduleSpec.ReduceOnPlateau => ScheduleKind.ReduceOnPlateau,
                _ => ScheduleKind.Cosine,
            },
            WarmupEpochs = schedule.WarmupEpochs,
            StepEpochs = schedule.StepEpochs,
            StepGamma = schedule.StepGamma,
            PlateauPatience = schedule.PlateauPatience,
            PlateauFactor = schedule.PlateauFactor,
            LabelSmoothing = spec.LabelSmoothing ?? 0,
            GradientClipNorm = spec.GradientClipNorm ?? defaults.GradientClipNorm,
            EarlyStoppingPatience = spec.EarlyStopping?.Patience ?? 0,
            MinDelta = spec.EarlyStopping?.MinDelta ?? defaults.MinDelta,
            Imbalance = spec.Imbalance?.Strategy switch
            {
                ImbalanceSpec.ClassWeights => ImbalanceHandling.ClassWeights,
                ImbalanceSpec.FocalLoss => ImbalanceHandling.FocalLoss,
                ImbalanceSpec.Oversampling => ImbalanceHandling.Oversampling,
                _ => ImbalanceHandling.None,
            },
            FocalGamma = spec.Imbalance?.FocalGamma ?? defaults.FocalGamma,
            FreezeBackbone = freezeBackbone || fine.FreezeBackbone,
            UnfreezeLastStages = fine.UnfreezeLastStages,
            UnfreezeAfterEpochs = fine.UnfreezeAfterEpochs,
            BackboneLearningRateMultiplier = fine.BackboneLearningRateMultiplier,
            Augmentation = augmentation,
        };
    }

    /// <summary>The policy's training section exactly as the run received it (JSON, absent keys left out).</summary>
    public static string Verbatim(TrainingSpec spec) => JsonSerializer.Serialize(spec, Json);

    /// <summary>Every setting the trainer used, as the evidence's "training.*" entries.</summary>
    public static IReadOnlyDictionary<string, string> Describe(TrainingOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var a = o.Augmentation;
        return new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["training.optimizer"] = o.Optimizer == OptimizerKind.SgdMomentum ? OptimizerSpec.Sgd : OptimizerSpec.AdamW,
            ["training.weight-decay"] = Text(o.WeightDecay),
            ["training.momentum"] = o.Optimizer == OptimizerKind.SgdMomentum ? Text(o.Momentum) : "n/a",
            ["training.schedule"] = o.Schedule switch
            {
                ScheduleKind.Constant => ScheduleSpec.Constant,
                ScheduleKind.Step => Invariant($"{ScheduleSpec.Step} (every {o.StepEpochs} epochs x {Text(o.StepGamma)})"),
                ScheduleKind.ReduceOnPlateau => Invariant($"{ScheduleSpec.ReduceOnPlateau} (patience {o.PlateauPatience}, factor {Text(o.PlateauFactor)})"),
                _ => ScheduleSpec.Cosine,
            },
            ["training.warmup-epochs"] = Invariant($"{o.WarmupEpochs}"),
            ["training.label-smoothing"] = Text(o.LabelSmoothing),
            ["training.gradient-clip-norm"] = Text(o.GradientClipNorm),
            ["training.early-stopping"] = o.EarlyStoppingPatience > 0 ? Invariant($"patience {o.EarlyStoppingPatience}, min-delta {Text(o.MinDelta)}") : "off",
            ["training.imbalance"] = o.Imbalance switch
            {
                ImbalanceHandling.ClassWeights => ImbalanceSpec.ClassWeights,
                ImbalanceHandling.FocalLoss => Invariant($"{ImbalanceSpec.FocalLoss} (gamma {Text(o.FocalGamma)})"),
                ImbalanceHandling.Oversampling => ImbalanceSpec.Oversampling,
                _ => ImbalanceSpec.None,
            },
            ["training.freeze-backbone"] = o.FreezeBackbone ? "true" : "false",
            ["training.unfreeze"] = o.UnfreezeLastStages > 0 ? Invariant($"last {o.UnfreezeLastStages} stages after {o.UnfreezeAfterEpochs} epochs") : "never",
            ["training.backbone-lr-multiplier"] = Text(o.BackboneLearningRateMultiplier),
            ["training.augmentation"] = a.IsIdentity ? "none" : Invariant(
                $"flip {(a.HorizontalFlip ? "on" : "off")}, crop padding {a.CropPadding}, brightness {Text(a.Brightness)}, contrast {Text(a.Contrast)}, saturation {Text(a.Saturation)}, random erasing {Text(a.RandomErasing)}, rotation {Text(a.Rotation)} degrees"),
        };
    }

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    // The augmentation's amounts are float32 in the trainer: written as float32, 0.1 reads "0.1", not its double widening.
    private static string Text(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
