namespace Orchestrator.Ml.Quality;

/// <summary>Items that are the same image: identical bytes, or perceptually near-identical.</summary>
/// <param name="ItemIds">The items, sorted.</param>
/// <param name="DistinctContents">How many different content digests the group holds (1 for exact copies).</param>
public sealed record DuplicateGroup(IReadOnlyList<string> ItemIds, int DistinctContents)
{
    /// <summary>Items beyond the first: what removing the duplicates would remove.</summary>
    public int Redundant => ItemIds.Count - 1;
}

/// <summary>Input to the duplicate checks: an item, its content digest and its perceptual hash.</summary>
public readonly record struct HashedItem(string ItemId, string ContentDigest, ulong PerceptualHash);

/// <summary>Exact duplicates by content digest.</summary>
public static class ExactDuplicates
{
    public static IReadOnlyList<DuplicateGroup> Find(IEnumerable<HashedItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return [.. items.GroupBy(i => i.ContentDigest, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => new DuplicateGroup([.. g.Select(i => i.ItemId).Order(StringComparer.Ordinal)], 1))
            .OrderBy(g => g.ItemIds[0], StringComparer.Ordinal)];
    }
}
