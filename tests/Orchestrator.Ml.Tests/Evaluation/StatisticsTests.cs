using Orchestrator.Ml.Evaluation;

namespace Orchestrator.Ml.Tests.Evaluation;

public sealed class StatisticsTests
{
    [Theory]
    // Critical values from the chi-square table: P(X > x) for the given degrees of freedom.
    [InlineData(3.841458820694124, 1, 0.05)]
    [InlineData(6.634896601021214, 1, 0.01)]
    [InlineData(11.344866730144373, 3, 0.01)]
    [InlineData(0.7107230213973241, 4, 0.95)]
    [InlineData(18.307038053275146, 10, 0.05)]
    [InlineData(50.89218131151707, 30, 0.01)]
    [InlineData(124.34211340400407, 100, 0.05)]
    public void ChiSquareSurvival_TableValues(double x, int degreesOfFreedom, double expected) =>
        Statistics.ChiSquareSurvival(x, degreesOfFreedom).ShouldBe(expected, expected * 1e-6);

    [Theory]
    [InlineData(0.5)]
    [InlineData(5)]
    [InlineData(40)]
    public void ChiSquareSurvival_TwoDegreesOfFreedom_IsExponential(double x) =>
        Statistics.ChiSquareSurvival(x, 2).ShouldBe(Math.Exp(-x / 2), Math.Exp(-x / 2) * 1e-10);

    [Theory]
    [InlineData(0.3)]
    [InlineData(2)]
    [InlineData(9)]
    public void ChiSquareSurvival_OneDegreeOfFreedom_AgreesWithErfc(double x) =>
        Statistics.ChiSquareSurvival(x, 1).ShouldBe(Statistics.ChiSquareOneDofSurvival(x), 3e-7);

    [Fact]
    public void ChiSquareSurvival_Edges()
    {
        Statistics.ChiSquareSurvival(0, 3).ShouldBe(1);
        Statistics.ChiSquareSurvival(-1, 3).ShouldBe(1);
        Statistics.ChiSquareSurvival(1e4, 3).ShouldBe(0, 1e-300);
        double.IsNaN(Statistics.ChiSquareSurvival(double.NaN, 3)).ShouldBeTrue();
        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.ChiSquareSurvival(1, 0));
    }

    [Theory]
    [InlineData(5, 24)]
    [InlineData(1, 1)]
    [InlineData(0.5, 1.7724538509055159)]
    [InlineData(0.25, 3.6256099082219083)]
    [InlineData(10.5, 1133278.3889487855)]
    public void LogGamma_KnownValues(double x, double gamma) => Statistics.LogGamma(x).ShouldBe(Math.Log(gamma), 1e-12);
}
