namespace Orchestrator.Ml.Quality;

/// <summary>Class imbalance: the largest class count over the smallest.</summary>
public static class ClassBalance
{
    /// <summary>Items per class, with every class of the vocabulary present (0 where none); labels outside it are counted under their own name.</summary>
    public static IReadOnlyDictionary<string, int> Count(IEnumerable<string> labels, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classes);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var c = 0; c < classes.Count; c++)
        {
            if (classes[c] is null || !counts.TryAdd(classes[c], 0))
            {
                throw new ArgumentException(classes[c] is null ? $"ClassBalance.Count: class {c} is null." : $"ClassBalance.Count: class '{classes[c]}' is listed twice.", nameof(classes));
            }
        }

        var index = 0;
        foreach (var label in labels)
        {
            if (label is null)
            {
                throw new ArgumentException($"ClassBalance.Count: label {index} is null; every item needs a label.", nameof(labels));
            }

            counts[label] = counts.GetValueOrDefault(label) + 1;
            index++;
        }

        return counts;
    }

    /// <summary>max / min over the classes; +infinity when a class is empty, 1 when there are no classes.</summary>
    public static double ImbalanceRatio(IReadOnlyDictionary<string, int> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Count == 0)
        {
            return 1;
        }

        if (counts.FirstOrDefault(p => p.Value < 0) is { Key: { } negative, Value: var count })
        {
            throw new ArgumentException($"ClassBalance.ImbalanceRatio: class '{negative}' has {count} items; counts cannot be negative.", nameof(counts));
        }

        var min = counts.Values.Min();
        return min == 0 ? double.PositiveInfinity : counts.Values.Max() / (double)min;
    }
}
