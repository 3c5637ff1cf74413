namespace Orchestrator.Ml.Annotation;

/// <summary>The consensus label of one item.</summary>
/// <param name="ItemId">The item.</param>
/// <param name="Label">The chosen class.</param>
/// <param name="Support">Share of the evidence for <paramref name="Label"/>: vote share (majority) or posterior (Dawid-Skene).</param>
/// <param name="Ratings">How many labels the item received.</param>
/// <param name="Tied">True when another class had equal support; the first class in class order was chosen.</param>
public sealed record ConsensusLabel(string ItemId, string Label, double Support, int Ratings, bool Tied);

/// <summary>Plurality vote per item; ties go to the earliest class and are flagged, never hidden.</summary>
public static class MajorityVote
{
    public static IReadOnlyList<ConsensusLabel> Compute(AnnotationSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var result = new ConsensusLabel[set.Items.Count];
        for (var item = 0; item < result.Length; item++)
        {
            var votes = set.Votes(item);
            var best = 0;
            for (var k = 1; k < votes.Length; k++)
            {
                best = votes[k] > votes[best] ? k : best;
            }

            var total = votes.Sum();
            var tied = votes.Count(v => v == votes[best]) > 1;
            result[item] = new ConsensusLabel(set.Items[item], set.Classes[best], total == 0 ? 0 : votes[best] / (double)total, total, tied);
        }

        return result;
    }
}
