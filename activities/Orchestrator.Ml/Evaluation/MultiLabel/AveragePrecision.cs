namespace Orchestrator.Ml.Evaluation.MultiLabel;

/// <summary>
/// Average precision as scikit-learn's <c>average_precision_score</c> defines it: the step-wise sum
/// AP = sum over thresholds n of (R_n - R_(n-1)) * P_n, thresholds at the distinct scores from the highest down
/// (tied scores enter together), no interpolation. Not the trapezoidal area, which is optimistic.
/// </summary>
public static class AveragePrecision
{
    /// <summary>
    /// AP of one label. <paramref name="unscoredPositives"/> are positives the model gave no score (non-finite
    /// outputs): they count in the recall denominator and are never retrieved, so they lower AP.
    /// NaN when there is no positive at all (recall is undefined; scikit-learn warns and returns 0).
    /// </summary>
    public static double Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> positives, int unscoredPositives = 0)
    {
        const string what = "AveragePrecision.Compute";
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(positives);
        ArgumentOutOfRangeException.ThrowIfNegative(unscoredPositives);
        if (scores.Count != positives.Count)
        {
            throw new ArgumentException($"{what}: {scores.Count} scores and {positives.Count} truth values; give one of each per item.", nameof(positives));
        }

        InputChecks.RequireFinite(scores, what, "the scores", "leave non-finite outputs out and count their positives as unscored.", nameof(scores));
        var total = positives.Count(p => p) + unscoredPositives;
        if (total == 0)
        {
            return double.NaN;
        }

        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        double ap = 0, previousRecall = 0;
        int truePositives = 0, retrieved = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end < order.Length && scores[order[end]] == scores[order[start]])
            {
                truePositives += positives[order[end]] ? 1 : 0;
                end++;
            }

            retrieved = end;
            var recall = (double)truePositives / total;
            ap += (recall - previousRecall) * truePositives / retrieved;
            previousRecall = recall;
            start = end;
        }

        return ap;
    }
}
