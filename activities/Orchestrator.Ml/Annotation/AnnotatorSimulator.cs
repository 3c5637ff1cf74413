using Orchestrator.Ml.Data;

namespace Orchestrator.Ml.Annotation;

/// <summary>How a simulated annotator behaves.</summary>
/// <param name="Id">Annotator id written into the labels.</param>
/// <param name="Accuracy">Probability of giving the true label.</param>
/// <param name="Confusions">When wrong about true class X, says Confusions[X] if present (a systematic
/// mix-up, e.g. circle -> ring); otherwise a uniformly random other class.</param>
/// <param name="ClassAccuracy">Accuracy on items of a given true class, overriding <paramref name="Accuracy"/>
/// (an annotator who is reliable except on one class).</param>
public sealed record AnnotatorProfile(
    string Id,
    double Accuracy,
    IReadOnlyDictionary<string, string>? Confusions = null,
    IReadOnlyDictionary<string, double>? ClassAccuracy = null);

/// <summary>
/// Simulated annotators for the demo and tests: each item gets labels from a seeded random choice of
/// <c>annotatorsPerItem</c> distinct annotators. Deterministic by seed, item i independent of the others.
/// </summary>
public static class AnnotatorSimulator
{
    public static IReadOnlyList<AnnotationRecord> Simulate(
        IReadOnlyList<(string ItemId, string TrueLabel)> items,
        IReadOnlyList<string> classes,
        IReadOnlyList<AnnotatorProfile> annotators,
        int annotatorsPerItem,
        long seed)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(annotators);
        ArgumentOutOfRangeException.ThrowIfLessThan(annotatorsPerItem, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(annotatorsPerItem, annotators.Count);
        var classSet = new HashSet<string>(classes, StringComparer.Ordinal);
        foreach (var profile in annotators)
        {
            if (profile.Accuracy is < 0 or > 1
                || (profile.Confusions?.Any(c => !classSet.Contains(c.Key) || !classSet.Contains(c.Value)) ?? false)
                || (profile.ClassAccuracy?.Any(c => !classSet.Contains(c.Key) || c.Value is < 0 or > 1) ?? false))
            {
                throw new ArgumentException($"Annotator '{profile.Id}': accuracies must be within 0..1 and name classes; confusions must name classes.", nameof(annotators));
            }
        }

        var records = new List<AnnotationRecord>(items.Count * annotatorsPerItem);
        var order = Enumerable.Range(0, annotators.Count).ToArray();
        for (var i = 0; i < items.Count; i++)
        {
            var random = DeterministicRandom.ForItem(seed, i);
            for (var a = 0; a < order.Length; a++)
            {
                order[a] = a;
            }

            // Partial Fisher-Yates: the first annotatorsPerItem entries are a uniform random subset.
            for (var a = 0; a < annotatorsPerItem; a++)
            {
                var pick = a + random.NextInt(annotators.Count - a);
                (order[a], order[pick]) = (order[pick], order[a]);
                var profile = annotators[order[a]];
                records.Add(new AnnotationRecord(items[i].ItemId, profile.Id, Label(profile, items[i].TrueLabel, classes, ref random)));
            }
        }

        return records;
    }

    private static string Label(AnnotatorProfile profile, string truth, IReadOnlyList<string> classes, ref DeterministicRandom random)
    {
        var accuracy = profile.ClassAccuracy is not null && profile.ClassAccuracy.TryGetValue(truth, out var specific) ? specific : profile.Accuracy;
        if (random.NextDouble() < accuracy)
        {
            return truth;
        }

        if (profile.Confusions is not null && profile.Confusions.TryGetValue(truth, out var confused))
        {
            return confused;
        }

        var others = classes.Where(c => !string.Equals(c, truth, StringComparison.Ordinal)).ToList();
        return others[random.NextInt(others.Count)];
    }
}
