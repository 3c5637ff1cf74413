namespace Orchestrator.Ml.Quality;

/// <summary>One annotator's label set for one item (an empty set says "none of the labels applies").</summary>
public sealed record MultiLabelRating(string ItemId, string Annotator, IReadOnlyList<string> Labels);

/// <summary>Agreement on one label, treating "has it" / "has it not" as a two-category rating.</summary>
/// <param name="Label">The label.</param>
/// <param name="Alpha">Krippendorff's alpha (nominal) over every item with at least two raters; NaN when undefined (all said the same).</param>
/// <param name="FleissKappa">Fleiss' kappa when every such item had the same number of raters; null otherwise, NaN when undefined.</param>
/// <param name="Prevalence">Share of ratings that include the label.</param>
public sealed record LabelAgreement(string Label, double Alpha, double? FleissKappa, double Prevalence);

/// <summary>Per-label agreement and its mean over the labels where it is defined.</summary>
/// <param name="PerLabel">In the order of the labels given.</param>
/// <param name="MeanAlpha">Mean of the defined per-label alphas; NaN when none is defined, so a gate cannot pass on it.</param>
/// <param name="PairableItems">Items with at least two raters (the others carry no agreement information).</param>
public sealed record MultiLabelAgreementResult(IReadOnlyList<LabelAgreement> PerLabel, double MeanAlpha, int PairableItems);

/// <summary>
/// Annotation agreement for multi-label data: each label is rated present or absent by every annotator of an
/// item, and agreement is measured per label (Krippendorff's alpha, which allows varying numbers of raters, and
/// Fleiss' kappa where the count is constant). A single coefficient over whole label sets would call two
/// annotators who agree on nine labels of ten as far apart as two who agree on none.
/// </summary>
public static class MultiLabelAgreement
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/>, naming the rating, on a null or missing field, a label outside
    /// <paramref name="labels"/>, a label repeated within one set, an annotator rating the same item twice, and on
    /// labels that are empty, null or repeated.
    /// </summary>
    public static MultiLabelAgreementResult Compute(IEnumerable<MultiLabelRating> ratings, IReadOnlyList<string> labels)
    {
        const string what = "MultiLabelAgreement.Compute";
        ArgumentNullException.ThrowIfNull(ratings);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count == 0)
        {
            throw new ArgumentException($"{what}: no labels; agreement needs the label vocabulary.", nameof(labels));
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var k = 0; k < labels.Count; k++)
        {
            if (labels[k] is null || !index.TryAdd(labels[k], k))
            {
                throw new ArgumentException($"{what}: label {k} is {(labels[k] is null ? "null" : $"'{labels[k]}', listed twice")}; labels must be distinct names.", nameof(labels));
            }
        }

        var byItem = new SortedDictionary<string, List<bool[]>>(StringComparer.Ordinal);
        var seen = new HashSet<(string, string)>();
        var position = 0;
        foreach (var rating in ratings)
        {
            var problem = rating switch
            {
                null => "is null",
                { ItemId: null } => "has no item id",
                { Annotator: null } => $"(item '{rating.ItemId}') has no annotator",
                { Labels: null } => $"(item '{rating.ItemId}', annotator '{rating.Annotator}') has no label set; give an empty one for none",
                _ => null,
            };
            if (problem is null)
            {
                var (item, annotator) = (rating!.ItemId!, rating.Annotator!);
                (var set, problem) = LabelSet(rating.Labels!, index);
                problem = problem is not null ? $"(item '{item}', annotator '{annotator}'): {problem}"
                    : !seen.Add((item, annotator)) ? $"(item '{item}'): annotator '{annotator}' rated the item twice"
                    : null;
                if (problem is null)
                {
                    (byItem.TryGetValue(item, out var list) ? list : byItem[item] = []).Add(set);
                }
            }

            if (problem is not null)
            {
                throw new ArgumentException($"{what}: rating {position} {problem}.", nameof(ratings));
            }

            position++;
        }

        var pairable = byItem.Values.Where(sets => sets.Count >= 2).ToList();
        var ratingCount = byItem.Values.Sum(sets => sets.Count);
        var sameRaters = pairable.Count > 0 && pairable.All(sets => sets.Count == pairable[0].Count);
        var perLabel = new LabelAgreement[labels.Count];
        for (var k = 0; k < labels.Count; k++)
        {
            var label = k;
            var alpha = KrippendorffAlpha.Nominal(pairable.Select(sets => sets.Select(s => s[label] ? "1" : (string?)"0")));
            double? fleiss = sameRaters
                ? Quality.FleissKappa.Compute([.. pairable.Select(sets => (IReadOnlyList<int>)[sets.Count(s => s[label]), sets.Count(s => !s[label])])]).Overall.Kappa
                : null;
            var prevalence = ratingCount == 0 ? double.NaN : byItem.Values.Sum(sets => sets.Count(s => s[label])) / (double)ratingCount;
            perLabel[k] = new LabelAgreement(labels[k], alpha, fleiss, prevalence);
        }

        var defined = perLabel.Where(l => !double.IsNaN(l.Alpha)).ToList();
        return new MultiLabelAgreementResult(perLabel, defined.Count == 0 ? double.NaN : defined.Average(l => l.Alpha), pairable.Count);
    }

    private static (bool[] Set, string? Problem) LabelSet(IReadOnlyList<string> labels, Dictionary<string, int> index)
    {
        var set = new bool[index.Count];
        foreach (var label in labels)
        {
            if (label is null || !index.TryGetValue(label, out var k))
            {
                return (set, label is null ? "a null label" : $"label '{label}' is not a label of the dataset");
            }

            if (set[k])
            {
                return (set, $"label '{label}' is given twice");
            }

            set[k] = true;
        }

        return (set, null);
    }
}
