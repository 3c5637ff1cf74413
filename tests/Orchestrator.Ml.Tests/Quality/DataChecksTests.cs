using Orchestrator.Contracts;
using Orchestrator.Ml.Data;
using Orchestrator.Ml.Quality;

namespace Orchestrator.Ml.Tests.Quality;

public sealed class DataChecksTests
{
    [Fact]
    public void ImbalanceRatio_IsLargestOverSmallestAndInfiniteForAnEmptyClass()
    {
        ClassBalance.ImbalanceRatio(ClassBalance.Count(["a", "a", "a", "b"], ["a", "b"])).ShouldBe(3);
        ClassBalance.ImbalanceRatio(ClassBalance.Count(["a"], ["a", "b"])).ShouldBe(double.PositiveInfinity);
    }

    [Fact]
    public void ExactDuplicates_GroupsSameDigest()
    {
        HashedItem[] items = [new("x", "d1", 0), new("y", "d2", 0), new("z", "d1", 5), new("w", "d3", 9)];

        ExactDuplicates.Find(items).ShouldBe([new DuplicateGroup(["x", "z"], 1)], ignoreOrder: false, comparer: GroupComparer.Instance);
    }

    [Fact]
    public void NearDuplicates_WithinDistance_AreGroupedTransitively()
    {
        HashedItem[] items =
        [
            new("a", "d1", 0b0000), new("b", "d2", 0b0011), new("c", "d3", 0b1111), // a-b 2 bits, b-c 2 bits, a-c 4 bits
            new("far", "d4", 0xFFFF_0000_0000_0000), new("copy", "d1", 0b0000),
        ];

        var groups = NearDuplicates.Find(items, maxDistance: 2);

        groups.ShouldHaveSingleItem().ItemIds.ShouldBe(["a", "b", "c", "copy"]);
        groups[0].DistinctContents.ShouldBe(3);
    }

    [Fact]
    public void NearDuplicates_OnlyByteIdenticalCopies_AreLeftToExactDuplicates() =>
        NearDuplicates.Find([new("a", "d1", 7), new("b", "d1", 7)], 3).ShouldBeEmpty();

    [Fact]
    public void NearDuplicates_MatchBruteForceOnRandomHashes()
    {
        var random = new DeterministicRandom(99);
        var items = Enumerable.Range(0, 600).Select(i =>
        {
            // Clustered hashes so that many pairs are near: a few base values with a few flipped bits.
            var hash = (random.NextUInt64() % 20) * 0x9E3779B97F4A7C15UL;
            for (var flips = random.NextInt(5); flips > 0; flips--)
            {
                hash ^= 1UL << random.NextInt(64);
            }

            return new HashedItem($"i{i:D3}", $"d{i}", hash);
        }).ToList();

        var fast = NearDuplicates.Find(items, 3).Select(g => string.Join(',', g.ItemIds)).Order().ToList();

        fast.ShouldBe(BruteForceGroups(items, 3));
    }

    [Fact]
    public void Leakage_NearDuplicatesAcrossSplits_AreReported()
    {
        var near = new[] { new DuplicateGroup(["a", "b"], 2), new DuplicateGroup(["c", "d"], 2) };
        var splits = new Dictionary<string, DataSplit> { ["a"] = DataSplit.Train, ["b"] = DataSplit.Test, ["c"] = DataSplit.Train, ["d"] = DataSplit.Train };

        var leaks = SplitLeakage.Find([], near, splits);

        leaks.ShouldHaveSingleItem().Splits.ShouldBe([DataSplit.Train, DataSplit.Test]);
        leaks[0].Exact.ShouldBeFalse();
    }

    [Fact]
    public void DatasetChecks_OnSyntheticData_CountsSlicesAndFindsPlantedDuplicates()
    {
        var shapes = new SyntheticShapes(new SyntheticShapesOptions(Seed: 12, Count: 400, NightFraction: 0.25));
        var items = shapes.Generate().Select(ToItem).ToList();
        items.Add(items[0] with { ItemId = "copy-of-0" });
        var manifest = new DatasetManifest("shapes", "test", SyntheticShapes.DefaultClasses, new DatasetTerms("CC0-1.0", "n/a", "P1Y"), items);
        var splits = DatasetSplitter.Assign(manifest, SplitFractions.Default);

        var report = DatasetChecks.Run(manifest, splits);

        report.ExactDuplicates.ShouldHaveSingleItem().ItemIds.ShouldBe(["copy-of-0", "s12-0000000"]);
        report.Leakage.ShouldBeEmpty();
        report.Items.ShouldBe(401);
        report.ClassCounts.Values.Sum().ShouldBe(401);
        var night = report.Slices.Single(s => s is { Attribute: SyntheticShapes.Lighting, Value: "night" });
        night.Count.ShouldBe(items.Count(i => i.Slices[SyntheticShapes.Lighting] == "night"));
        night.BySplit.Values.Sum().ShouldBe(night.Count);
        report.NearDuplicateFraction.ShouldBeLessThan(0.02);
    }

    private static ManifestItem ToItem(SyntheticImage image)
    {
        var png = ImageCodec.EncodePng(image.Image);
        return new ManifestItem(image.ItemId, Digest.Of(png).ToString(), png.Length, image.Label, image.Slices, PerceptualHash.Format(PerceptualHash.DHash(image.Image)));
    }

    private static List<string> BruteForceGroups(List<HashedItem> items, int distance)
    {
        var parent = Enumerable.Range(0, items.Count).ToArray();
        int Root(int x) => parent[x] == x ? x : parent[x] = Root(parent[x]);
        for (var i = 0; i < items.Count; i++)
        {
            for (var j = i + 1; j < items.Count; j++)
            {
                if (PerceptualHash.Distance(items[i].PerceptualHash, items[j].PerceptualHash) <= distance)
                {
                    parent[Root(i)] = Root(j);
                }
            }
        }

        return [.. Enumerable.Range(0, items.Count).GroupBy(Root).Where(g => g.Count() > 1)
            .Select(g => string.Join(',', g.Select(i => items[i].ItemId).Order(StringComparer.Ordinal))).Order()];
    }

    private sealed class GroupComparer : IEqualityComparer<DuplicateGroup>
    {
        public static readonly GroupComparer Instance = new();

        public bool Equals(DuplicateGroup? x, DuplicateGroup? y) =>
            x is not null && y is not null && x.ItemIds.SequenceEqual(y.ItemIds) && x.DistinctContents == y.DistinctContents;

        public int GetHashCode(DuplicateGroup obj) => obj.ItemIds.Count;
    }
}
