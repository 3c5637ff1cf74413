using Orchestrator.Ml.Annotation;

namespace Orchestrator.Ml.Quality;

/// <summary>
/// Krippendorff's alpha for nominal data with missing values, computed from the coincidence matrix as
/// in Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": alpha = 1 - Do/De. Units with
/// fewer than two values are not pairable and are left out; any number of coders.
/// </summary>
public static class KrippendorffAlpha
{
    /// <summary>Alpha over units; each unit lists the coders' values, null where a coder gave none.
    /// NaN when undefined (no pairable values, or only one value used overall).</summary>
    public static double Nominal(IEnumerable<IEnumerable<string?>> units)
    {
        ArgumentNullException.ThrowIfNull(units);
        var coincidences = new Dictionary<(string, string), double>();
        var index = 0;
        foreach (var unit in units)
        {
            var values = (unit ?? throw new ArgumentException($"KrippendorffAlpha.Nominal: unit {index} is null; give an empty unit for one nobody coded.", nameof(units)))
                .Where(v => v is not null).Select(v => v!).ToList();
            index++;
            if (values.Count < 2)
            {
                continue;
            }

            // Each ordered pair of values from different coders counts 1 / (m_u - 1).
            var weight = 1.0 / (values.Count - 1);
            for (var i = 0; i < values.Count; i++)
            {
                for (var j = 0; j < values.Count; j++)
                {
                    if (i != j)
                    {
                        coincidences[(values[i], values[j])] = coincidences.GetValueOrDefault((values[i], values[j])) + weight;
                    }
                }
            }
        }

        var marginals = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var ((c, _), count) in coincidences)
        {
            marginals[c] = marginals.GetValueOrDefault(c) + count;
        }

        var n = marginals.Values.Sum();
        var observedDisagreement = coincidences.Where(p => !string.Equals(p.Key.Item1, p.Key.Item2, StringComparison.Ordinal)).Sum(p => p.Value);
        var expectedDisagreement = ((n * n) - marginals.Values.Sum(m => m * m)) / (n - 1);
        return n < 2 || expectedDisagreement <= 0 ? double.NaN : 1 - (observedDisagreement / expectedDisagreement);
    }

    /// <summary>Alpha over annotations: items are units, annotators are coders, unlabelled cells missing.</summary>
    public static double Nominal(AnnotationSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return Nominal(set.ByItem.Select(ratings => ratings.Select(r => set.Classes[r.Label])));
    }
}
