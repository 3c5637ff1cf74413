using Orchestrator.Ml.Annotation;

namespace Orchestrator.Ml.Quality;

/// <summary>Fleiss' kappa with the per-category kappas of the same paper.</summary>
public sealed record FleissResult(KappaResult Overall, int RatersPerItem, IReadOnlyList<double> CategoryProportions, IReadOnlyList<double> CategoryKappas);

/// <summary>
/// Fleiss (1971), "Measuring nominal scale agreement among many raters": every item rated by the same
/// number of raters (not necessarily the same raters). Use Krippendorff's alpha when counts vary.
/// </summary>
public static class FleissKappa
{
    /// <summary>
    /// From a count table: <paramref name="counts"/>[item][category] raters chose that category. Every item needs
    /// the same number (2 to <see cref="int.MaxValue"/>) of non-negative ratings over the same categories; sums
    /// are taken in 64 bits and doubles, so large tables do not overflow.
    /// </summary>
    public static FleissResult Compute(IReadOnlyList<IReadOnlyList<int>> counts)
    {
        const string what = "FleissKappa.Compute";
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Count == 0)
        {
            throw new ArgumentException($"{what}: no items.", nameof(counts));
        }

        var categories = -1;
        var raters = -1L;
        for (var i = 0; i < counts.Count; i++)
        {
            var row = counts[i] ?? throw new ArgumentException($"{what}: item {i} is null.", nameof(counts));
            if (categories >= 0 && row.Count != categories)
            {
                throw new ArgumentException($"{what}: item {i} has {row.Count} categories, item 0 has {categories}; every item needs the same categories.", nameof(counts));
            }

            var total = 0L;
            for (var j = 0; j < row.Count; j++)
            {
                total += row[j] >= 0 ? row[j] : throw new ArgumentException($"{what}: item {i} has {row[j]} ratings in category {j}; counts cannot be negative.", nameof(counts));
            }

            if (total is < 2 or > int.MaxValue)
            {
                throw new ArgumentException($"{what}: item {i} has {total} ratings; every item needs between 2 and {int.MaxValue}.", nameof(counts));
            }

            if (raters >= 0 && total != raters)
            {
                throw new ArgumentException($"{what}: item {i} has {total} ratings, item 0 has {raters}; every item needs the same number of ratings.", nameof(counts));
            }

            (categories, raters) = (row.Count, total);
        }

        var items = (double)counts.Count;
        var proportions = Enumerable.Range(0, categories).Select(j => counts.Sum(row => (double)row[j]) / (items * raters)).ToArray();
        var observed = counts.Average(row => (row.Sum(c => (double)c * c) - raters) / (raters * (raters - 1.0)));
        var expected = proportions.Sum(p => p * p);
        var categoryKappas = Enumerable.Range(0, categories).Select(j =>
        {
            var disagreement = counts.Sum(row => (double)row[j] * (raters - row[j]));
            var p = proportions[j];
            return p is 0 or 1 ? double.NaN : 1 - (disagreement / (items * raters * (raters - 1) * p * (1 - p)));
        }).ToArray();
        return new FleissResult(new KappaResult(CohenKappa.Chance(observed, expected), observed, expected, counts.Count), (int)raters, proportions, categoryKappas);
    }

    /// <summary>From annotations; null when items received different numbers of labels or fewer than two.</summary>
    public static FleissResult? FromAnnotations(AnnotationSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var table = Enumerable.Range(0, set.Items.Count).Select(i => (IReadOnlyList<int>)set.Votes(i)).ToList();
        return table.Count == 0 || table[0].Sum() < 2 || table.Any(row => row.Sum() != table[0].Sum()) ? null : Compute(table);
    }
}
