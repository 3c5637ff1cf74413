using Orchestrator.Ml.Data;
using Orchestrator.Ml.Quality;

namespace Orchestrator.Ml.Tests.Quality;

/// <summary>The data-quality statistics refuse malformed input in their own words and count large tables without overflowing.</summary>
public sealed class QualityInputTests
{
    [Fact]
    public void FleissKappa_LargeCountsPerItem_ComputeInsteadOfOverflowing()
    {
        // 1.5 billion raters per item: the per-category total over both items (3 billion) overflowed Int32.
        int[][] table = [[1_500_000_000, 0], [0, 1_500_000_000]];

        var result = FleissKappa.Compute(table);

        result.Overall.Kappa.ShouldBe(1, 1e-12);
        result.CategoryProportions.ShouldBe([0.5, 0.5]);
        result.CategoryKappas.ShouldBe([1.0, 1.0], tolerance: 1e-12);
        result.RatersPerItem.ShouldBe(1_500_000_000);
    }

    [Fact]
    public void FleissKappa_MoreRatingsPerItemThanAnInt_SaysSo()
    {
        // The row total itself overflowed Int32 in Enumerable.Sum.
        var error = Should.Throw<ArgumentException>(() => FleissKappa.Compute([[int.MaxValue, 1], [int.MaxValue, 1]]));

        error.Message.ShouldContain("item 0 has 2147483648 ratings");
    }

    [Fact]
    public void FleissKappa_MalformedRows_NameTheItem()
    {
        Should.Throw<ArgumentException>(() => FleissKappa.Compute([[1, 1], [3, -1]])).Message.ShouldContain("item 1 has -1 ratings in category 1");
        Should.Throw<ArgumentException>(() => FleissKappa.Compute([[1, 1], null!])).Message.ShouldContain("item 1 is null");
        Should.Throw<ArgumentException>(() => FleissKappa.Compute([[1, 1], [1, 1, 0]])).Message.ShouldContain("item 1 has 3 categories, item 0 has 2");
        Should.Throw<ArgumentException>(() => FleissKappa.Compute([[1, 1], [2, 1]])).Message.ShouldContain("item 1 has 3 ratings, item 0 has 2");
    }

    [Fact]
    public void GoldAuditEvaluate_SampledItemWithoutDatasetLabel_SaysWhich()
    {
        var labels = new Dictionary<string, string> { ["a"] = "x" };
        var reviewer = new Dictionary<string, string> { ["a"] = "x", ["b"] = "y" };

        var error = Should.Throw<ArgumentException>(() => GoldAudit.Evaluate(["a", "b"], labels, reviewer));

        error.Message.ShouldContain("sampled item 'b' has no dataset label");
    }

    [Fact]
    public void GoldAuditEvaluate_ItemSampledTwice_IsRefused() =>
        Should.Throw<ArgumentException>(() => GoldAudit.Evaluate(["a", "a"], new Dictionary<string, string> { ["a"] = "x" }, new Dictionary<string, string>()))
            .Message.ShouldContain("'a' is sampled twice");

    [Theory]
    [InlineData(-1.96)]
    [InlineData(0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Wilson_ZNotPositive_IsRefused(double z)
    {
        // z = -1.96 gave lower > upper.
        Should.Throw<ArgumentOutOfRangeException>(() => GoldAudit.Wilson(7, 9, z));
        Should.Throw<ArgumentOutOfRangeException>(() => GoldAudit.Evaluate(["a"], new Dictionary<string, string> { ["a"] = "x" }, new Dictionary<string, string> { ["a"] = "x" }, z));
    }

    [Fact]
    public void GoldAuditSample_DuplicateOrNullIds_AreRefused()
    {
        Should.Throw<ArgumentException>(() => GoldAudit.Sample([("a", "x"), ("a", "y")], 1, 1)).Message.ShouldContain("item 'a' is listed twice");
        Should.Throw<ArgumentException>(() => GoldAudit.Sample([("a", "x"), (null!, "y")], 1, 1)).Message.ShouldContain("item 1 has no id");
        Should.Throw<ArgumentException>(() => GoldAudit.Sample([("a", null!)], 1, 1)).Message.ShouldContain("item 'a' has no label");
    }

    [Fact]
    public void CohenKappa_NullLabel_NamesThePosition() =>
        Should.Throw<ArgumentException>(() => CohenKappa.Compute(["a", "b"], ["a", null!])).Message.ShouldContain("rater 2 has no label at position 1");

    [Fact]
    public void ClassBalanceCount_NullLabelOrDuplicateClass_SaysWhat()
    {
        Should.Throw<ArgumentException>(() => ClassBalance.Count(["a", null!], ["a", "b"])).Message.ShouldContain("label 1 is null");
        Should.Throw<ArgumentException>(() => ClassBalance.Count(["a"], ["a", "b", "a"])).Message.ShouldContain("class 'a' is listed twice");
    }

    [Fact]
    public void ImbalanceRatio_NegativeCount_IsRefused() =>
        Should.Throw<ArgumentException>(() => ClassBalance.ImbalanceRatio(new Dictionary<string, int> { ["a"] = 3, ["b"] = -1 })).Message.ShouldContain("'b' has -1 items");

    [Fact]
    public void SliceCountsAndLeakage_ItemWithoutSplit_SayWhich()
    {
        var items = new[] { new ManifestItem("i1", "sha256:1", 10, "a", new Dictionary<string, string> { ["light"] = "day" }, "0000000000000000") };
        var splits = new Dictionary<string, DataSplit>();

        Should.Throw<ArgumentException>(() => SliceCounts.Count(items, splits)).Message.ShouldContain("item 'i1' has no split");
        Should.Throw<ArgumentException>(() => SplitLeakage.Find([new DuplicateGroup(["i1", "i2"], 1)], [], splits)).Message.ShouldContain("item 'i1' has no split");
    }

    [Fact]
    public void PerceptualHashParse_NotSixteenHexDigits_SaysSo() =>
        Should.Throw<FormatException>(() => PerceptualHash.Parse("xyz")).Message.ShouldContain("'xyz' is not a perceptual hash");

    [Fact]
    public void KrippendorffAlpha_NullUnit_IsRefused() =>
        Should.Throw<ArgumentException>(() => KrippendorffAlpha.Nominal([["a", "b"], null!])).Message.ShouldContain("unit 1 is null");
}
