using Orchestrator.Ml.Data;
using Orchestrator.Ml.Quality;

namespace Orchestrator.Ml.Annotation;

/// <summary>
/// The consensus of multi-label ratings: an item's label set and the items flagged because annotators split on one of its labels.
/// </summary>
/// <param name="Labels">Item id to its consensus label set (sorted, ordinal; possibly empty).</param>
/// <param name="Flagged">Items where some label's majority share was below the minimum support.</param>
public sealed record MultiLabelConsensus(IReadOnlyDictionary<string, IReadOnlyList<string>> Labels, IReadOnlyList<string> Flagged);

/// <summary>
/// Multi-label annotations: simulated annotators who judge each label of an item on its own, and the per-label majority
/// consensus. Each label is a present/absent decision (as in <see cref="MultiLabelAgreement"/>), so consensus is taken per
/// label too: a label belongs to the item when more than half of its raters gave it (a tie leaves it out and flags the item).
/// </summary>
public static class MultiLabelAnnotations
{
    /// <summary>
    /// Each item rated by a seeded random choice of <paramref name="annotatorsPerItem"/> distinct annotators; an annotator decides
    /// every label correctly with its accuracy (per-class accuracy applies to the label) and flips it otherwise. Deterministic by seed.
    /// </summary>
    public static IReadOnlyList<MultiLabelRating> Simulate(IReadOnlyList<(string ItemId, IReadOnlyList<string> TrueLabels)> items, IReadOnlyList<string> labels,
        IReadOnlyList<AnnotatorProfile> annotators, int annotatorsPerItem, long seed)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(annotators);
        ArgumentOutOfRangeException.ThrowIfLessThan(annotatorsPerItem, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(annotatorsPerItem, annotators.Count);
        if (annotators.FirstOrDefault(a => a.Accuracy is < 0 or > 1 || a.Confusions is { Count: > 0 }) is { } bad)
        {
            throw new ArgumentException($"Annotator '{bad.Id}': accuracy must be within 0..1, and confusions name classes of single-label data (a multi-label annotator flips labels).", nameof(annotators));
        }

        var ratings = new List<MultiLabelRating>(items.Count * annotatorsPerItem);
        var order = new int[annotators.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var random = DeterministicRandom.ForItem(seed, i);
            var truth = items[i].TrueLabels.ToHashSet(StringComparer.Ordinal);
            for (var a = 0; a < order.Length; a++)
            {
                order[a] = a;
            }

            for (var a = 0; a < annotatorsPerItem; a++)
            {
                var pick = a + random.NextInt(annotators.Count - a);
                (order[a], order[pick]) = (order[pick], order[a]);
                var profile = annotators[order[a]];
                var given = new List<string>();
                foreach (var label in labels)
                {
                    var accuracy = profile.ClassAccuracy?.TryGetValue(label, out var specific) == true ? specific : profile.Accuracy;
                    if ((random.NextDouble() < accuracy) == truth.Contains(label))
                    {
                        given.Add(label);
                    }
                }

                ratings.Add(new MultiLabelRating(items[i].ItemId, profile.Id, given));
            }
        }

        return ratings;
    }

    /// <summary>
    /// Per item and label, the majority of its raters; an item is flagged when, for any label, the share of raters agreeing with the
    /// consensus is below <paramref name="minimumSupport"/>. Labels outside <paramref name="labels"/> are refused (naming the item).
    /// </summary>
    public static MultiLabelConsensus Consensus(IEnumerable<MultiLabelRating> ratings, IReadOnlyList<string> labels, double minimumSupport)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        ArgumentNullException.ThrowIfNull(labels);
        var known = labels.ToHashSet(StringComparer.Ordinal);
        var result = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var flagged = new List<string>();
        foreach (var item in ratings.GroupBy(r => r.ItemId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var sets = item.Select(r => r.Labels.ToHashSet(StringComparer.Ordinal)).ToList();
            if (sets.SelectMany(s => s).FirstOrDefault(l => !known.Contains(l)) is { } unknown)
            {
                throw new ArgumentException($"Item '{item.Key}' was given the label '{unknown}', which is not a label of the dataset.", nameof(ratings));
            }

            var chosen = new List<string>();
            var split = false;
            foreach (var label in labels)
            {
                var yes = sets.Count(s => s.Contains(label));
                var present = 2 * yes > sets.Count;
                chosen.Add(present ? label : "");
                split |= (present ? yes : sets.Count - yes) < minimumSupport * sets.Count;
            }

            result[item.Key] = [.. chosen.Where(l => l.Length > 0).Order(StringComparer.Ordinal)];
            if (split)
            {
                flagged.Add(item.Key);
            }
        }

        return new MultiLabelConsensus(result, flagged);
    }
}
