using Orchestrator.Ml.Evaluation;
using Orchestrator.Ml.Monitoring;

namespace Orchestrator.Ml.Tests.Monitoring;

public sealed class DriftStatisticsTests
{
    private static double[] Normal(int seed, int count, double mean, double std)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => mean + (std * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())))];
    }

    [Fact]
    public void PopulationStabilityIndex_IdenticalCounts_IsZero() =>
        DriftStatistics.PopulationStabilityIndex([10, 20, 30], [1, 2, 3]).ShouldBe(0, 1e-12);

    [Fact]
    public void PopulationStabilityIndex_KnownShift_MatchesHandComputation()
    {
        // Shares 0.5/0.5 vs 0.9/0.1: (0.4)·ln(0.9001/0.5001) + (-0.4)·ln(0.1001/0.5001).
        var expected = (0.4 * Math.Log(0.9001 / 0.5001)) + (-0.4 * Math.Log(0.1001 / 0.5001));

        DriftStatistics.PopulationStabilityIndex([50, 50], [90, 10]).ShouldBe(expected, 1e-12);
    }

    [Fact]
    public void HomogeneityPValue_SameShares_IsOne() =>
        DriftStatistics.HomogeneityPValue([10, 20, 30], [20, 40, 60]).ShouldBe(1, 1e-12);

    [Fact]
    public void HomogeneityPValue_TwoByTwo_MatchesHandComputation()
    {
        // Column totals 40/40, every expected count 20: chi-square = 4 · 10² / 20 = 20 with 1 degree of freedom.
        DriftStatistics.HomogeneityPValue([30, 10], [10, 30]).ShouldBe(Statistics.ChiSquareOneDofSurvival(20), 1e-9);
    }

    [Fact]
    public void HomogeneityPValue_SmallSamples_TellsNoiseFromAShift()
    {
        // 30 against 29 predictions over three classes: PSI 0.46, "significant" by the rule of thumb, yet
        // chi-square = 6.44 with 2 degrees of freedom: p = e^(-3.22) ≈ 0.04, as likely as that from noise.
        DriftStatistics.PopulationStabilityIndex([18, 10, 2], [9, 14, 7]).ShouldBeGreaterThan(0.25);
        DriftStatistics.HomogeneityPValue([18, 10, 2], [9, 14, 7]).ShouldBe(Math.Exp(-6.444444444444445 / 2), 1e-9);

        // Every prediction moved to another class: no doubt at all.
        DriftStatistics.HomogeneityPValue([40, 0], [0, 30]).ShouldBeLessThan(1e-15);
    }

    [Fact]
    public void HomogeneityPValue_EmptyBinsAndSides()
    {
        // A bin empty on both sides does not count as a degree of freedom.
        DriftStatistics.HomogeneityPValue([30, 0, 10], [10, 0, 30]).ShouldBe(DriftStatistics.HomogeneityPValue([30, 10], [10, 30]), 1e-12);
        DriftStatistics.HomogeneityPValue([5, 0], [7, 0]).ShouldBe(1);
        double.IsNaN(DriftStatistics.HomogeneityPValue([0, 0], [1, 2])).ShouldBeTrue();
        Should.Throw<ArgumentException>(() => DriftStatistics.HomogeneityPValue([1, 2], [1, 2, 3]));
    }

    [Fact]
    public void KolmogorovSmirnov_KnownSamples_IsTheLargestCdfGap()
    {
        DriftStatistics.KolmogorovSmirnov([1, 2, 3, 4], [3, 4, 5, 6]).ShouldBe(0.5, 1e-12);
        DriftStatistics.KolmogorovSmirnov([1, 2], [10, 11]).ShouldBe(1, 1e-12);
        double.IsNaN(DriftStatistics.KolmogorovSmirnov([], [1])).ShouldBeTrue();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Statistics_SameDistribution_StayBelowTheDriftThresholds(int seed)
    {
        var reference = Normal(seed, 2000, 0.5, 0.1);
        var live = Normal(seed + 100, 500, 0.5, 0.1);

        DriftStatistics.PopulationStabilityIndex(reference, live, DriftStatistics.QuantileEdges(reference)).ShouldBeLessThan(0.1);
        DriftStatistics.KolmogorovSmirnov(reference, live).ShouldBeLessThan(DriftStatistics.KolmogorovSmirnovCritical(2000, 500, 0.01));
    }

    [Fact]
    public void Statistics_ShiftedDistribution_CrossTheDriftThresholds()
    {
        var reference = Normal(7, 2000, 0.5, 0.1);
        var live = Normal(8, 500, 0.6, 0.1);

        DriftStatistics.PopulationStabilityIndex(reference, live, DriftStatistics.QuantileEdges(reference)).ShouldBeGreaterThan(0.25);
        DriftStatistics.KolmogorovSmirnov(reference, live).ShouldBeGreaterThan(DriftStatistics.KolmogorovSmirnovCritical(2000, 500, 0.01));
    }
}
