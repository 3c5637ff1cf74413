namespace Orchestrator.Ml.Serving;

/// <summary>One label a multi-label model assigns to an image, with the model's probability for it.</summary>
public sealed record AssignedLabel(string Label, double Probability);

/// <summary>What a multi-label model answers for one image: every label whose probability reaches that label's recorded threshold.</summary>
public static class LabelSetAnswer
{
    /// <summary>
    /// The labels at or above their thresholds, most probable first (ties by label name, ordinal). An empty answer is
    /// a real answer: none of the labels applies. Throws naming the label on a probability or threshold outside [0, 1].
    /// </summary>
    public static IReadOnlyList<AssignedLabel> Select(ReadOnlySpan<float> probabilities, IReadOnlyList<string> labels, IReadOnlyList<double> thresholds)
    {
        const string what = "LabelSetAnswer.Select";
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(thresholds);
        if (probabilities.Length != labels.Count || thresholds.Count != labels.Count)
        {
            throw new ArgumentException($"{what}: {probabilities.Length} probabilities, {labels.Count} labels and {thresholds.Count} thresholds; give one of each per label.", nameof(thresholds));
        }

        var assigned = new List<AssignedLabel>();
        for (var k = 0; k < labels.Count; k++)
        {
            if (!(probabilities[k] is >= 0 and <= 1) || !(thresholds[k] is >= 0 and <= 1))
            {
                throw new ArgumentException(
                    $"{what}: label '{labels[k]}' has probability {InputChecks.Describe(probabilities[k])} and threshold {InputChecks.Describe(thresholds[k])}; both must be in [0, 1].", nameof(probabilities));
            }

            if (probabilities[k] >= thresholds[k])
            {
                assigned.Add(new AssignedLabel(labels[k], probabilities[k]));
            }
        }

        return [.. assigned.OrderByDescending(a => a.Probability).ThenBy(a => a.Label, StringComparer.Ordinal)];
    }
}
