namespace Orchestrator.Ml.Evaluation.MultiLabel;

/// <summary>How a label's decision threshold was set.</summary>
public enum ThresholdBasis
{
    /// <summary>The threshold that maximised the label's F1 on the validation split.</summary>
    MaximisedValidationF1,

    /// <summary>The validation split had no positive of the label with a finite output, so nothing could be chosen; 0.5 is used and said so.</summary>
    NoValidationPositives,
}

/// <summary>One label's decision threshold: the label is predicted when its probability is at least <paramref name="Threshold"/>.</summary>
/// <param name="Label">Label index.</param>
/// <param name="Threshold">The cut-off in [0, 1].</param>
/// <param name="ValidationF1">The label's F1 on the validation split at this threshold (NaN when there were no positives).</param>
/// <param name="Basis">How it was chosen.</param>
public sealed record LabelThreshold(int Label, double Threshold, double ValidationF1, ThresholdBasis Basis);

/// <summary>Per-label decision thresholds chosen on the validation split, never on the test split.</summary>
public static class DecisionThresholds
{
    /// <summary>The threshold used for a label the validation split has no positive of.</summary>
    public const double Default = 0.5;

    /// <summary>
    /// For each label, the threshold maximising F1 on <paramref name="validation"/>. Candidates are the distinct
    /// scores; among equal F1 the highest threshold wins (fewer false alarms), and the threshold is set midway
    /// to the next lower score so items scoring just below the chosen one stay out. Positives with non-finite
    /// outputs count as misses at every threshold.
    /// </summary>
    public static IReadOnlyList<LabelThreshold> Choose(MultiLabelPredictions validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        var result = new LabelThreshold[validation.LabelCount];
        for (var label = 0; label < validation.LabelCount; label++)
        {
            var (scores, positives, unscored) = validation.Column(label);
            var scoredPositives = positives.Count(p => p);
            var total = scoredPositives + unscored;
            if (scoredPositives == 0)
            {
                result[label] = new LabelThreshold(label, Default, double.NaN, ThresholdBasis.NoValidationPositives);
                continue;
            }

            var order = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ToArray();
            double bestF1 = -1, bestThreshold = Default;
            var truePositives = 0;
            for (var start = 0; start < order.Length;)
            {
                var end = start;
                while (end < order.Length && scores[order[end]] == scores[order[start]])
                {
                    truePositives += positives[order[end]] ? 1 : 0;
                    end++;
                }

                var f1 = 2.0 * truePositives / (end + total);
                if (f1 > bestF1)
                {
                    bestF1 = f1;
                    var cut = scores[order[start]];
                    bestThreshold = end < order.Length ? (cut + scores[order[end]]) / 2 : cut;
                }

                start = end;
            }

            result[label] = new LabelThreshold(label, bestThreshold, bestF1, ThresholdBasis.MaximisedValidationF1);
        }

        return result;
    }
}

/// <summary>The names a <see cref="ThresholdBasis"/> has in the ledger and in activity contracts.</summary>
public static class ThresholdBases
{
    /// <summary>"maximised-validation-f1" or "no-validation-positives".</summary>
    public static string Name(ThresholdBasis basis) => basis switch
    {
        ThresholdBasis.MaximisedValidationF1 => "maximised-validation-f1",
        ThresholdBasis.NoValidationPositives => "no-validation-positives",
        _ => throw new ArgumentOutOfRangeException(nameof(basis), basis, "Unknown threshold basis."),
    };

    /// <summary>The basis named <paramref name="name"/>; throws <see cref="ArgumentException"/> on any other name.</summary>
    public static ThresholdBasis Parse(string name) => name switch
    {
        "maximised-validation-f1" => ThresholdBasis.MaximisedValidationF1,
        "no-validation-positives" => ThresholdBasis.NoValidationPositives,
        _ => throw new ArgumentException($"Unknown threshold basis '{name}': use \"maximised-validation-f1\" or \"no-validation-positives\".", nameof(name)),
    };
}
