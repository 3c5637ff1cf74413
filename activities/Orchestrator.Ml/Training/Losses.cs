using static TorchSharp.torch;

namespace Orchestrator.Ml.Training;

/// <summary>Classification losses with class-imbalance handling.</summary>
public static class Losses
{
    /// <summary>Balanced class weights N / (C x n_c); a class absent from the split gets weight 0.</summary>
    public static float[] BalancedClassWeights(IEnumerable<int> labels, int classCount)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var counts = new long[classCount];
        var total = 0L;
        foreach (var label in labels)
        {
            counts[label]++;
            total++;
        }

        return counts.Select(n => n == 0 ? 0f : (float)total / (classCount * n)).ToArray();
    }

    /// <summary>
    /// Mean focal loss -w_y (1 - p_y)^gamma log p_y, normalised by the summed weights like weighted
    /// cross-entropy; gamma 0 with no weights is exactly cross-entropy.
    /// </summary>
    public static Tensor Focal(Tensor logits, Tensor targets, double gamma, Tensor? classWeights)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        using var k = new HeldScalars();
        var logP = nn.functional.log_softmax(logits, 1).gather(1, targets.unsqueeze(1)).squeeze(1);
        // 1 - p as -p + 1: the same rounding, with a held Scalar.
        var modulation = logP.exp().neg().add_(HeldScalars.One, HeldScalars.One).pow(k[gamma]);
        var perSample = -(modulation * logP);
        if (classWeights is null)
        {
            return perSample.mean();
        }

        var w = classWeights.index_select(0, targets);
        return (perSample * w).sum() / w.sum();
    }

    /// <summary>The loss the options ask for.</summary>
    public static Tensor Compute(TrainingOptions options, Tensor logits, Tensor targets, Tensor? classWeights)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Imbalance == ImbalanceHandling.FocalLoss)
        {
            return Focal(logits, targets, options.FocalGamma, classWeights);
        }

        return options.LabelSmoothing > 0
            ? nn.functional.cross_entropy(logits, targets, weight: classWeights, label_smoothing: options.LabelSmoothing)
            : nn.functional.cross_entropy(logits, targets, weight: classWeights);
    }
}
