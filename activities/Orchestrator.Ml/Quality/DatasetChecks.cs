using Orchestrator.Ml.Data;

namespace Orchestrator.Ml.Quality;

/// <summary>Every data check of the QC stage over one dataset version and its split.</summary>
public sealed record DatasetCheckReport(
    IReadOnlyDictionary<string, int> ClassCounts,
    double ImbalanceRatio,
    IReadOnlyList<DuplicateGroup> ExactDuplicates,
    IReadOnlyList<DuplicateGroup> NearDuplicates,
    IReadOnlyList<LeakingGroup> Leakage,
    IReadOnlyList<SliceCount> Slices,
    int Items)
{
    /// <summary>Share of items that are redundant byte-identical copies.</summary>
    public double ExactDuplicateFraction => Items == 0 ? 0 : ExactDuplicates.Sum(g => g.Redundant) / (double)Items;

    /// <summary>Share of items that are redundant perceptual near-copies.</summary>
    public double NearDuplicateFraction => Items == 0 ? 0 : NearDuplicates.Sum(g => g.Redundant) / (double)Items;

    /// <summary>Items in duplicate groups that span splits.</summary>
    public int LeakingItems => Leakage.Sum(l => l.Group.ItemIds.Count);

}

/// <summary>Runs the data checks: class balance, exact and near duplicates, split leakage, slice counts.</summary>
public static class DatasetChecks
{
    /// <param name="manifest">The dataset version.</param>
    /// <param name="splits">Each item's split.</param>
    /// <param name="labels">Labels to check balance on (consensus after annotation); null uses the manifest's.</param>
    /// <param name="nearDuplicateDistance">Max dHash bit distance for near-duplicates (from the policy).</param>
    public static DatasetCheckReport Run(DatasetManifest manifest, IReadOnlyDictionary<string, DataSplit> splits,
        IReadOnlyDictionary<string, string>? labels = null, int nearDuplicateDistance = 2)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(splits);
        var hashed = manifest.Items.Select(i => new HashedItem(i.ItemId, i.ContentDigest, PerceptualHash.Parse(i.PerceptualHash))).ToList();
        var counts = ClassBalance.Count(manifest.Items.Select(i => labels?.GetValueOrDefault(i.ItemId) ?? i.Label), manifest.Classes);
        var exact = ExactDuplicates.Find(hashed);
        var near = NearDuplicates.Find(hashed, nearDuplicateDistance);
        return new DatasetCheckReport(counts, ClassBalance.ImbalanceRatio(counts), exact, near,
            SplitLeakage.Find(exact, near, splits), SliceCounts.Count(manifest.Items, splits), manifest.Items.Count);
    }
}
