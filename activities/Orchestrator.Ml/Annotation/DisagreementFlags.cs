using System.Globalization;

namespace Orchestrator.Ml.Annotation;

/// <summary>Why an item's label needs a second look.</summary>
public sealed record DisagreementFlag(string ItemId, IReadOnlyList<string> Reasons);

/// <summary>
/// Per-item disagreement flags for re-annotation or review: a tied vote, a vote share below the
/// threshold, fewer labels than required, or majority vote and Dawid-Skene choosing different labels.
/// </summary>
public static class DisagreementFlags
{
    public static IReadOnlyList<DisagreementFlag> Find(
        IReadOnlyList<ConsensusLabel> majority, IReadOnlyList<ConsensusLabel>? dawidSkene, double minimumSupport, int minimumRatings = 1)
    {
        ArgumentNullException.ThrowIfNull(majority);
        if (!(minimumSupport is >= 0 and <= 1))
        {
            // A NaN threshold compared false with every share and flagged nothing.
            throw new ArgumentOutOfRangeException(nameof(minimumSupport), minimumSupport, $"DisagreementFlags.Find: minimumSupport is {InputChecks.Describe(minimumSupport)}; it must be a share between 0 and 1.");
        }

        if (dawidSkene is not null && dawidSkene.Count != majority.Count)
        {
            throw new ArgumentException("Both consensus lists must cover the same items.", nameof(dawidSkene));
        }

        var flags = new List<DisagreementFlag>();
        for (var i = 0; i < majority.Count; i++)
        {
            var vote = majority[i];
            var reasons = new List<string>();
            if (vote.Ratings < minimumRatings)
            {
                reasons.Add(string.Create(CultureInfo.InvariantCulture, $"{vote.Ratings} label(s), {minimumRatings} required"));
            }

            if (vote.Tied)
            {
                reasons.Add("tied vote");
            }
            else if (vote.Support < minimumSupport)
            {
                reasons.Add(string.Create(CultureInfo.InvariantCulture, $"vote share {vote.Support:0.###} below {minimumSupport:0.###}"));
            }

            if (dawidSkene is not null && !string.Equals(dawidSkene[i].Label, vote.Label, StringComparison.Ordinal))
            {
                reasons.Add($"majority says '{vote.Label}', Dawid-Skene says '{dawidSkene[i].Label}'");
            }

            if (reasons.Count > 0)
            {
                flags.Add(new DisagreementFlag(vote.ItemId, reasons));
            }
        }

        return flags;
    }
}
