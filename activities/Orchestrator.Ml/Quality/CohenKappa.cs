using Orchestrator.Ml.Annotation;

namespace Orchestrator.Ml.Quality;

/// <summary>A chance-corrected agreement coefficient with its parts.</summary>
/// <param name="Kappa">(Po - Pe) / (1 - Pe); NaN when undefined (Pe = 1: everyone used one class).</param>
/// <param name="ObservedAgreement">Po.</param>
/// <param name="ExpectedAgreement">Pe, the agreement expected by chance.</param>
/// <param name="Items">Items the coefficient is computed over.</param>
public sealed record KappaResult(double Kappa, double ObservedAgreement, double ExpectedAgreement, int Items);

/// <summary>Cohen's kappa for one pair of annotators over the items both labelled.</summary>
public sealed record PairwiseKappa(string AnnotatorA, string AnnotatorB, KappaResult Result);

/// <summary>Cohen (1960), "A coefficient of agreement for nominal scales": two raters, nominal labels.</summary>
public static class CohenKappa
{
    /// <summary>Kappa of two raters' labels for the same items, position by position.</summary>
    public static KappaResult Compute(IReadOnlyList<string> rater1, IReadOnlyList<string> rater2)
    {
        ArgumentNullException.ThrowIfNull(rater1);
        ArgumentNullException.ThrowIfNull(rater2);
        if (rater1.Count != rater2.Count || rater1.Count == 0)
        {
            throw new ArgumentException($"CohenKappa.Compute: {rater1.Count} and {rater2.Count} labels; both raters must label the same, non-empty list of items.", nameof(rater2));
        }

        for (var i = 0; i < rater1.Count; i++)
        {
            if (rater1[i] is null || rater2[i] is null)
            {
                throw new ArgumentException($"CohenKappa.Compute: rater {(rater1[i] is null ? 1 : 2)} has no label at position {i}.", rater1[i] is null ? nameof(rater1) : nameof(rater2));
            }
        }

        var n = (double)rater1.Count;
        var observed = rater1.Zip(rater2).Count(p => string.Equals(p.First, p.Second, StringComparison.Ordinal)) / n;
        var first = rater1.CountBy(l => l, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        var second = rater2.CountBy(l => l, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        var expected = first.Sum(p => p.Value / n * (second.GetValueOrDefault(p.Key) / n));
        return new KappaResult(Chance(observed, expected), observed, expected, rater1.Count);
    }

    /// <summary>Kappa for every annotator pair sharing at least <paramref name="minimumSharedItems"/> items.</summary>
    public static IReadOnlyList<PairwiseKappa> Pairwise(AnnotationSet set, int minimumSharedItems = 2)
    {
        ArgumentNullException.ThrowIfNull(set);
        var labels = new Dictionary<(int Item, int Annotator), int>();
        foreach (var rating in set.Ratings)
        {
            labels[(rating.Item, rating.Annotator)] = rating.Label;
        }

        var result = new List<PairwiseKappa>();
        for (var a = 0; a < set.Annotators.Count; a++)
        {
            for (var b = a + 1; b < set.Annotators.Count; b++)
            {
                var shared = Enumerable.Range(0, set.Items.Count)
                    .Where(i => labels.ContainsKey((i, a)) && labels.ContainsKey((i, b)))
                    .ToList();
                if (shared.Count >= minimumSharedItems)
                {
                    var kappa = Compute([.. shared.Select(i => set.Classes[labels[(i, a)]])], [.. shared.Select(i => set.Classes[labels[(i, b)]])]);
                    result.Add(new PairwiseKappa(set.Annotators[a], set.Annotators[b], kappa));
                }
            }
        }

        return result;
    }

    internal static double Chance(double observed, double expected) =>
        expected >= 1 ? double.NaN : (observed - expected) / (1 - expected);
}
