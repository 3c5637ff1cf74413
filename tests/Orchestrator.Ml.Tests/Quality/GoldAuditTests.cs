using Orchestrator.Ml.Quality;

namespace Orchestrator.Ml.Tests.Quality;

public sealed class GoldAuditTests
{
    [Theory]
    // Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison of seven
    // methods", Statistics in Medicine 17, Table II, method 3 (Wilson score without continuity correction).
    [InlineData(81, 263, 0.2553, 0.3662)]
    [InlineData(15, 148, 0.0624, 0.1605)]
    [InlineData(0, 20, 0.0, 0.1611)]
    [InlineData(1, 29, 0.0061, 0.1718)]
    public void Wilson_NewcombeExamples_MatchPublishedBounds(int successes, int trials, double lower, double upper)
    {
        var interval = GoldAudit.Wilson(successes, trials);

        interval.Lower.ShouldBe(lower, 5e-5);
        interval.Upper.ShouldBe(upper, 5e-5);
    }

    [Fact]
    public void Sample_IsStratifiedProportionallyWithEveryClassPresent()
    {
        var items = Enumerable.Range(0, 1000).Select(i => ($"i{i:D4}", i < 700 ? "a" : i < 990 ? "b" : "c")).ToList();

        var sample = GoldAudit.Sample(items, 100, seed: 3);
        var labels = items.ToDictionary(i => i.Item1, i => i.Item2);

        sample.Count.ShouldBe(100);
        sample.Distinct().Count().ShouldBe(100);
        sample.CountBy(id => labels[id]).ToDictionary().ShouldBe(new Dictionary<string, int> { ["a"] = 70, ["b"] = 29, ["c"] = 1 }, ignoreOrder: true);
    }

    [Fact]
    public void Sample_SameSeedSameItems_DifferentSeedDifferentItems()
    {
        var items = Enumerable.Range(0, 500).Select(i => ($"i{i}", "a")).ToList();

        GoldAudit.Sample(items, 20, 1).ShouldBe(GoldAudit.Sample(items, 20, 1));
        GoldAudit.Sample(items, 20, 1).Intersect(GoldAudit.Sample(items, 20, 2)).Count().ShouldBeLessThan(10);
    }

    [Fact]
    public void Evaluate_ReviewerDisagreesOnSome_ReportsPassRateIntervalAndMismatches()
    {
        var labels = Enumerable.Range(0, 10).ToDictionary(i => $"i{i}", _ => "a");
        var reviewer = Enumerable.Range(0, 9).ToDictionary(i => $"i{i}", i => i < 2 ? "b" : "a");

        var result = GoldAudit.Evaluate([.. labels.Keys], labels, reviewer);

        (result.Sampled, result.Reviewed, result.Agreed).ShouldBe((10, 9, 7));
        result.PassRate.ShouldBe(7 / 9.0, 1e-12);
        (result.Lower, result.Upper).ShouldBe(GoldAudit.Wilson(7, 9));
        result.Mismatched.ShouldBe(["i0", "i1"]);
        result.Unreviewed.ShouldBe(["i9"]);
    }
}
