using Orchestrator.Ml.Evaluation.MultiLabel;

namespace Orchestrator.Ml.Tests.Evaluation.MultiLabel;

/// <summary>Average precision against hand-worked cases and scikit-learn 1.2.1's average_precision_score.</summary>
public sealed class AveragePrecisionTests
{
    [Fact]
    public void Compute_ScikitLearnDocumentationExample_IsFiveSixths()
    {
        // sklearn docs: y=[0,0,1,1], scores=[.1,.4,.35,.8] -> 0.8333. By hand, highest first: .8 positive
        // (R=.5, P=1), .4 negative, .35 positive (R=1, P=2/3): .5*1 + .5*2/3 = 5/6.
        AveragePrecision.Compute([0.1, 0.4, 0.35, 0.8], [false, false, true, true]).ShouldBe(5.0 / 6, 1e-12);
    }

    [Fact]
    public void Compute_TiedScores_EnterTogetherWithoutInterpolation()
    {
        // Ties form one threshold: .9 {+,-} R=1/3 P=1/2; .5 {+,-} R=2/3 P=2/4; .1 {+} R=1 P=3/5.
        // 1/6 + 1/6 + 1/5 = 0.5333 (sklearn: 0.5333333333333333). Interpolated AP would give more.
        AveragePrecision.Compute([0.9, 0.9, 0.5, 0.5, 0.1], [true, false, true, false, true]).ShouldBe(8.0 / 15, 1e-12);
    }

    [Fact]
    public void Compute_TwentyRandomItems_MatchesScikitLearn()
    {
        double[] scores = [0.63, 0.9, 0.78, 0.23, 0.3, 0.87, 0.01, 0.82, 0.8, 0.47, 0.3, 0.28, 0.25, 0.45, 0.5, 0.55, 1.0, 0.79, 0.62, 0.99];
        int[] truth = [1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1];

        AveragePrecision.Compute(scores, [.. truth.Select(t => t == 1)]).ShouldBe(0.6669412146473784, 1e-12);
    }

    [Fact]
    public void Compute_UnscoredPositives_LowerRecallReached()
    {
        // One positive ranked first, one never scored: R reaches only 1/2 at P=1.
        AveragePrecision.Compute([0.9, 0.1], [true, false], unscoredPositives: 1).ShouldBe(0.5, 1e-12);
    }

    [Fact]
    public void Compute_NoPositives_IsUndefined() =>
        double.IsNaN(AveragePrecision.Compute([0.2, 0.7], [false, false])).ShouldBeTrue();

    [Fact]
    public void Compute_PerfectAndWorstRanking_OneAndPrecisionOfLastPositive()
    {
        AveragePrecision.Compute([0.9, 0.8, 0.1], [true, true, false]).ShouldBe(1, 1e-12);
        AveragePrecision.Compute([0.9, 0.8, 0.1], [false, false, true]).ShouldBe(1.0 / 3, 1e-12);
    }

    [Fact]
    public void Compute_NaNScoreOrMismatchedLengths_IsRefusedNamingTheProblem()
    {
        Should.Throw<ArgumentException>(() => AveragePrecision.Compute([0.5, double.NaN], [true, false]))
            .Message.ShouldContain("the scores contains NaN at index 1");
        Should.Throw<ArgumentException>(() => AveragePrecision.Compute([0.5], [true, false]))
            .Message.ShouldContain("1 scores and 2 truth values");
    }
}
