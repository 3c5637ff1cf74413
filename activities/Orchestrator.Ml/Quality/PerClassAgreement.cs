using Orchestrator.Ml.Annotation;

namespace Orchestrator.Ml.Quality;

/// <summary>
/// Specific agreement per class (Fleiss 1971; Uebersax, "Raw agreement indices"): of all the times a
/// rater chose class k on an item, the share where another rater of that item chose k too:
/// sum_i n_ik (n_ik - 1) / sum_i n_ik (n_i - 1). Shows which class the annotators disagree about,
/// which a single kappa hides. Items with one label are left out; classes never used get NaN.
/// </summary>
public static class PerClassAgreement
{
    public static IReadOnlyDictionary<string, double> Compute(AnnotationSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var agreeing = new double[set.Classes.Count];
        var possible = new double[set.Classes.Count];
        for (var item = 0; item < set.Items.Count; item++)
        {
            var votes = set.Votes(item);
            var total = votes.Sum();
            if (total < 2)
            {
                continue;
            }

            for (var k = 0; k < votes.Length; k++)
            {
                agreeing[k] += votes[k] * (votes[k] - 1.0);
                possible[k] += votes[k] * (total - 1.0);
            }
        }

        return Enumerable.Range(0, set.Classes.Count)
            .ToDictionary(k => set.Classes[k], k => possible[k] == 0 ? double.NaN : agreeing[k] / possible[k], StringComparer.Ordinal);
    }
}
