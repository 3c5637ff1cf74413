using Orchestrator.Ml.Data;

namespace Orchestrator.Ml.Quality;

/// <summary>Items with one slice attribute value, in total and per class and split.</summary>
public sealed record SliceCount(string Attribute, string Value, int Count, IReadOnlyDictionary<string, int> ByClass, IReadOnlyDictionary<DataSplit, int> BySplit);

/// <summary>
/// Per-slice counts (lighting=night, background=cluttered, ...): a slice with too few items, or none in
/// a split, cannot be evaluated separately, and the evaluation gate's per-slice metrics would be noise.
/// </summary>
public static class SliceCounts
{
    public static IReadOnlyList<SliceCount> Count(IReadOnlyList<ManifestItem> items, IReadOnlyDictionary<string, DataSplit>? splits)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (splits is not null && items.FirstOrDefault(i => !splits.ContainsKey(i.ItemId)) is { } missing)
        {
            throw new ArgumentException($"SliceCounts.Count: item '{missing.ItemId}' has no split.", nameof(splits));
        }

        return [.. items
            .SelectMany(i => i.Slices.Select(s => (s.Key, s.Value, Item: i)))
            .GroupBy(s => (s.Key, s.Value))
            .OrderBy(g => g.Key.Key, StringComparer.Ordinal).ThenBy(g => g.Key.Value, StringComparer.Ordinal)
            .Select(g => new SliceCount(
                g.Key.Key,
                g.Key.Value,
                g.Count(),
                g.CountBy(s => s.Item.Label, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal),
                splits is null ? new Dictionary<DataSplit, int>() : g.CountBy(s => splits[s.Item.ItemId]).ToDictionary()))];
    }
}
