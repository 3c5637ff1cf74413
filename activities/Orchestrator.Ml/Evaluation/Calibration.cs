namespace Orchestrator.Ml.Evaluation;

/// <summary>
/// Expected calibration error (Guo et al. 2017): confidence (top probability) in equal-width bins
/// (lower, upper], ECE = sum over bins of |bin| / n x |accuracy(bin) - mean confidence(bin)|.
/// Items with non-finite outputs have no confidence and are left out (n counts the others); with none left
/// the ECE is NaN, which never passes a bound.
/// </summary>
public static class Calibration
{
    public static (double Ece, IReadOnlyList<ReliabilityBin> Bins) Compute(Predictions predictions, int binCount = 15)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentOutOfRangeException.ThrowIfLessThan(binCount, 1);
        var counts = new int[binCount];
        var confidenceSums = new double[binCount];
        var correct = new int[binCount];
        var scored = predictions.Count - predictions.NonFiniteCount;
        for (var i = 0; i < predictions.Count; i++)
        {
            if (!predictions.HasFiniteOutput(i))
            {
                continue;
            }

            var confidence = (double)predictions.Row(i)[predictions.Predicted[i]];
            var bin = Math.Clamp((int)Math.Ceiling(confidence * binCount) - 1, 0, binCount - 1);
            counts[bin]++;
            confidenceSums[bin] += confidence;
            correct[bin] += predictions.IsCorrect(i) ? 1 : 0;
        }

        var ece = 0.0;
        var bins = new ReliabilityBin[binCount];
        for (var b = 0; b < binCount; b++)
        {
            var meanConfidence = counts[b] == 0 ? 0 : confidenceSums[b] / counts[b];
            var accuracy = counts[b] == 0 ? 0 : (double)correct[b] / counts[b];
            ece += (double)counts[b] / scored * Math.Abs(accuracy - meanConfidence);
            bins[b] = new ReliabilityBin((double)b / binCount, (double)(b + 1) / binCount, counts[b], meanConfidence, accuracy);
        }

        return (scored == 0 ? double.NaN : ece, bins);
    }
}
