namespace Orchestrator.Ml.Quality;

/// <summary>Class imbalance: the largest class count over the smallest.</summary>
public static class ClassBalance
{
    /// <summary>Items per class, with every class of the vocabulary present (0 where none).</summary>
    public static IReadOnlyDictionary<string, int> Count(IEnumerable<string> labels, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classes);
        var counts = classes.ToDictionary(c => c, _ => 0, StringComparer.Ordinal);
        foreach (var label in labels)
        {
            counts[label] = counts.GetValueOrDefault(label) + 1;
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

        var min = counts.Values.Min();
        return min == 0 ? double.PositiveInfinity : counts.Values.Max() / (double)min;
    }
}
