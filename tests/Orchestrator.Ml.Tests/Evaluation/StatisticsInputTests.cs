using Orchestrator.Ml.Evaluation;

namespace Orchestrator.Ml.Tests.Evaluation;

public sealed class StatisticsInputTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(40)]
    public void ChiSquareSurvival_PositiveInfinity_IsZero(int degreesOfFreedom) =>
        Statistics.ChiSquareSurvival(double.PositiveInfinity, degreesOfFreedom).ShouldBe(0);

    [Fact]
    public void ChiSquareOneDofSurvival_Infinities()
    {
        Statistics.ChiSquareOneDofSurvival(double.PositiveInfinity).ShouldBe(0);
        Statistics.ChiSquareOneDofSurvival(double.NegativeInfinity).ShouldBe(1);
    }

    [Fact]
    public void LogGamma_NaNOrInfinity()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.LogGamma(double.NaN));
        Statistics.LogGamma(double.PositiveInfinity).ShouldBe(double.PositiveInfinity);
    }
}
