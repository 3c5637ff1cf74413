using Orchestrator.Ml.Monitoring;

namespace Orchestrator.Ml.Tests.Monitoring;

/// <summary>Bad input to the drift statistics is refused with a message that names the problem, never looped on or binned silently.</summary>
public sealed class DriftStatisticsInputTests
{
    [Fact]
    public async Task KolmogorovSmirnov_NaNInFirstSample_ThrowsInsteadOfLooping()
    {
        // Math.Min(NaN, x) is NaN and "a[i] <= NaN" is false: neither index moved and the loop never ended.
        var error = await Should.ThrowAsync<ArgumentException>(Bounded.Run(() => DriftStatistics.KolmogorovSmirnov([double.NaN, 1, 2], [0.5, 1.5])));

        error.Message.ShouldContain("KolmogorovSmirnov: the first sample contains NaN at index 0");
    }

    [Fact]
    public async Task KolmogorovSmirnov_InfinityInSecondSample_Throws()
    {
        var error = await Should.ThrowAsync<ArgumentException>(Bounded.Run(() => DriftStatistics.KolmogorovSmirnov([0.2, 0.4], [0.5, double.PositiveInfinity])));

        error.Message.ShouldContain("the second sample contains +infinity at index 1");
    }

    [Fact]
    public void BinnedDistributionOf_NaNInReference_ThrowsInsteadOfBinningItFirst()
    {
        // The NaN sorted first, became an edge or fell in the first bin, and a window equal to the rest of the
        // reference showed a large PSI.
        double[] reference = [double.NaN, .. Enumerable.Range(0, 99).Select(i => i / 100.0)];

        var error = Should.Throw<ArgumentException>(() => BinnedDistribution.Of(reference));

        error.Message.ShouldContain("NaN at index 0");
    }

    [Fact]
    public void Histogram_NonFiniteValueOrBadEdges_Throws()
    {
        Should.Throw<ArgumentException>(() => DriftStatistics.Histogram([0.1, double.NaN], [0.5])).Message.ShouldContain("NaN at index 1");
        Should.Throw<ArgumentException>(() => DriftStatistics.Histogram([0.1], [0.5, 0.2])).Message.ShouldContain("ascending");
        Should.Throw<ArgumentException>(() => DriftStatistics.Histogram([0.1], [double.NaN])).Message.ShouldContain("NaN at index 0");
    }

    [Fact]
    public void PopulationStabilityIndex_SamplesWithNaN_Throws() =>
        Should.Throw<ArgumentException>(() => DriftStatistics.PopulationStabilityIndex([0.1, 0.2, double.NaN], [0.1, 0.2], [0.15]));

    [Fact]
    public void HomogeneityPValue_NegativeCount_Throws()
    {
        // It used to give p = 0.21 as if -3 were a count.
        var error = Should.Throw<ArgumentException>(() => DriftStatistics.HomogeneityPValue([10, -3, 5], [4, 6, 8]));

        error.Message.ShouldContain("HomogeneityPValue: the first counts hold -3 at bin 1");
    }

    [Fact]
    public void HomogeneityPValue_NonFiniteCount_Throws() =>
        Should.Throw<ArgumentException>(() => DriftStatistics.HomogeneityPValue([10, 3], [double.PositiveInfinity, 6])).Message.ShouldContain("second counts");

    [Fact]
    public void PopulationStabilityIndex_NegativeOrNaNCount_Throws()
    {
        Should.Throw<ArgumentException>(() => DriftStatistics.PopulationStabilityIndex([10, 20], [-1, 5])).Message.ShouldContain("PopulationStabilityIndex");
        Should.Throw<ArgumentException>(() => DriftStatistics.PopulationStabilityIndex([double.NaN, 20], [1, 5])).Message.ShouldContain("NaN at bin 0");
        Should.Throw<ArgumentException>(() => DriftStatistics.Shift([10, 20], [-1, 5]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    public void KolmogorovSmirnovCritical_AlphaOutsideZeroOne_Throws(double alpha) =>
        Should.Throw<ArgumentOutOfRangeException>(() => DriftStatistics.KolmogorovSmirnovCritical(10, 10, alpha));

    [Fact]
    public void QuantileEdges_InfinityInReference_Throws() =>
        Should.Throw<ArgumentException>(() => DriftStatistics.QuantileEdges([0.1, double.NegativeInfinity, 0.3], 2)).Message.ShouldContain("-infinity at index 1");
}
