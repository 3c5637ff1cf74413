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
    /// <summary>From a count table: <paramref name="counts"/>[item][category] raters chose that category.</summary>
    public static FleissResult Compute(IReadOnlyList<IReadOnlyList<int>> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Count == 0)
        {
            throw new ArgumentException("No items.", nameof(counts));
        }

        var raters = counts[0].Sum();
        var categories = counts[0].Count;
        if (raters < 2 || counts.Any(row => row.Count != categories || row.Sum() != raters || row.Any(c => c < 0)))
        {
            throw new ArgumentException("Every item needs the same number (at least 2) of ratings over the same categories.", nameof(counts));
        }

        var items = (double)counts.Count;
        var proportions = Enumerable.Range(0, categories).Select(j => counts.Sum(row => row[j]) / (items * raters)).ToArray();
        var observed = counts.Average(row => (row.Sum(c => (double)c * c) - raters) / (raters * (raters - 1.0)));
        var expected = proportions.Sum(p => p * p);
        var categoryKappas = Enumerable.Range(0, categories).Select(j =>
        {
            var disagreement = counts.Sum(row => (double)row[j] * (raters - row[j]));
            var p = proportions[j];
            return p is 0 or 1 ? double.NaN : 1 - (disagreement / (items * raters * (raters - 1) * p * (1 - p)));
        }).ToArray();
        return new FleissResult(new KappaResult(CohenKappa.Chance(observed, expected), observed, expected, counts.Count), raters, proportions, categoryKappas);
    }

    /// <summary>From annotations; null when items received different numbers of labels or fewer than two.</summary>
    public static FleissResult? FromAnnotations(AnnotationSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var table = Enumerable.Range(0, set.Items.Count).Select(i => (IReadOnlyList<int>)set.Votes(i)).ToList();
        return table.Count == 0 || table[0].Sum() < 2 || table.Any(row => row.Sum() != table[0].Sum()) ? null : Compute(table);
    }
}
