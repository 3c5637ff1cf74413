using Orchestrator.Ml.Data;

namespace Orchestrator.Ml.Quality;

/// <summary>A duplicate group whose items sit in more than one split: evaluation would see training images.</summary>
public sealed record LeakingGroup(DuplicateGroup Group, IReadOnlyList<DataSplit> Splits, bool Exact);

/// <summary>
/// Leakage between splits. Exact copies cannot leak under <see cref="DatasetSplitter"/> (same digest,
/// same split), but the check runs anyway, because splits may come from elsewhere or a policy change;
/// near-duplicates can leak under any digest-keyed split and are the main finding here.
/// </summary>
public static class SplitLeakage
{
    public static IReadOnlyList<LeakingGroup> Find(
        IReadOnlyList<DuplicateGroup> exact, IReadOnlyList<DuplicateGroup> near, IReadOnlyDictionary<string, DataSplit> splits)
    {
        ArgumentNullException.ThrowIfNull(exact);
        ArgumentNullException.ThrowIfNull(near);
        ArgumentNullException.ThrowIfNull(splits);
        if (exact.Concat(near).SelectMany(g => g.ItemIds).FirstOrDefault(id => !splits.ContainsKey(id)) is { } missing)
        {
            throw new ArgumentException($"SplitLeakage.Find: item '{missing}' has no split.", nameof(splits));
        }

        return [.. exact.Select(g => (g, exact: true)).Concat(near.Select(g => (g, exact: false)))
            .Select(p => new LeakingGroup(p.g, [.. p.g.ItemIds.Select(id => splits[id]).Distinct().Order()], p.exact))
            .Where(l => l.Splits.Count > 1)];
    }
}
