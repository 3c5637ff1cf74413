using Orchestrator.Contracts;
using Orchestrator.Ml.Data;

namespace Orchestrator.Ml.Tests.Data;

public sealed class DatasetSplitterTests
{
    private static readonly DatasetTerms Terms = new("CC0-1.0", "n/a", "P1Y");

    [Fact]
    public void Assign_ImageInTwoDatasetVersions_KeepsItsSplit()
    {
        var version1 = Manifest(0, 3000);
        var version2 = Manifest(1000, 6000);

        var first = DatasetSplitter.Assign(version1, SplitFractions.Default);
        var second = DatasetSplitter.Assign(version2, SplitFractions.Default);

        foreach (var id in first.Keys.Intersect(second.Keys))
        {
            second[id].ShouldBe(first[id]);
        }

        first.Keys.Intersect(second.Keys).Count().ShouldBe(2000);
    }

    [Fact]
    public void Assign_EachClass_GetsPolicyProportions()
    {
        var manifest = Manifest(0, 8000);
        var splits = DatasetSplitter.Assign(manifest, new SplitFractions(0.7, 0.15, 0.15));
        var counts = DatasetSplitter.CountByClass(manifest, splits);

        foreach (var label in manifest.Classes)
        {
            var total = (double)manifest.Items.Count(i => i.Label == label);
            (counts[(label, DataSplit.Train)] / total).ShouldBe(0.7, 0.04);
            (counts[(label, DataSplit.Validation)] / total).ShouldBe(0.15, 0.03);
            (counts[(label, DataSplit.Test)] / total).ShouldBe(0.15, 0.03);
        }
    }

    [Fact]
    public void Assign_SameDigestUnderTwoIds_LandsInOneSplit()
    {
        var digest = Digest.Of([1, 2, 3]).ToString();

        DatasetSplitter.Assign(digest, SplitFractions.Default).ShouldBe(DatasetSplitter.Assign(digest, SplitFractions.Default));
    }

    [Fact]
    public void Assign_DifferentSalt_Reshuffles()
    {
        var manifest = Manifest(0, 500);
        var a = DatasetSplitter.Assign(manifest, new SplitFractions(0.5, 0.25, 0.25), "v1");
        var b = DatasetSplitter.Assign(manifest, new SplitFractions(0.5, 0.25, 0.25), "v2");

        a.Count(p => b[p.Key] != p.Value).ShouldBeGreaterThan(100);
    }

    [Theory]
    [InlineData(0.8, 0.1, 0.2)]
    [InlineData(1.1, -0.05, -0.05)]
    public void Assign_FractionsNotSummingToOne_Throws(double train, double validation, double test) =>
        Should.Throw<ArgumentException>(() => DatasetSplitter.Assign(Manifest(0, 3), new SplitFractions(train, validation, test)));

    private static DatasetManifest Manifest(int from, int to)
    {
        string[] classes = ["circle", "square", "triangle"];
        var items = Enumerable.Range(from, to - from)
            .Select(i => new ManifestItem($"item-{i}", Digest.Of(BitConverter.GetBytes(i)).ToString(), 10, classes[i % 3], new Dictionary<string, string>(), "0000000000000000"))
            .ToList();
        return new DatasetManifest("d", "test", classes, Terms, items);
    }
}
