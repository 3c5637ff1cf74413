using Orchestrator.Ml.Evaluation;

namespace Orchestrator.Ml.Tests.Evaluation;

public sealed class ChampionChallengerTests
{
    // Builds binary predictions whose correctness per item is given: a right item puts .9 on its label.
    private static Predictions FromCorrectness(IEnumerable<bool> correct)
    {
        var flags = correct.ToArray();
        var labels = new int[flags.Length];
        var probabilities = new float[flags.Length * 2];
        for (var i = 0; i < flags.Length; i++)
        {
            labels[i] = i % 2;
            var predicted = flags[i] ? labels[i] : 1 - labels[i];
            probabilities[(i * 2) + predicted] = 0.9f;
            probabilities[(i * 2) + 1 - predicted] = 0.1f;
        }

        return new Predictions(2, labels, probabilities);
    }

    private static (Predictions Champion, Predictions Challenger) Pairs(int both, int onlyChampion, int onlyChallenger, int neither)
    {
        var champion = Enumerable.Repeat(true, both).Concat(Enumerable.Repeat(true, onlyChampion))
            .Concat(Enumerable.Repeat(false, onlyChallenger)).Concat(Enumerable.Repeat(false, neither));
        var challenger = Enumerable.Repeat(true, both).Concat(Enumerable.Repeat(false, onlyChampion))
            .Concat(Enumerable.Repeat(true, onlyChallenger)).Concat(Enumerable.Repeat(false, neither));
        return (FromCorrectness(champion), FromCorrectness(challenger));
    }

    [Fact]
    public void Compare_FewDiscordantPairs_UsesExactBinomial()
    {
        var (champion, challenger) = Pairs(both: 10, onlyChampion: 1, onlyChallenger: 5, neither: 4);

        var result = ChampionChallengerResult.Compare(champion, challenger);

        result.Method.ShouldBe("exact-binomial");
        result.PValue.ShouldBe(2 * (1 + 6) / 64.0, 1e-12); // 2 P(X <= 1), X ~ Bin(6, 1/2)
        result.ChampionAccuracy.ShouldBe(11 / 20.0, 1e-12);
        result.ChallengerAccuracy.ShouldBe(15 / 20.0, 1e-12);
        (result.BothCorrect, result.OnlyChampionCorrect, result.OnlyChallengerCorrect, result.BothWrong).ShouldBe((10, 1, 5, 4));
    }

    [Fact]
    public void Compare_ManyDiscordantPairs_UsesCorrectedChiSquare()
    {
        var (champion, challenger) = Pairs(both: 50, onlyChampion: 10, onlyChallenger: 25, neither: 15);

        var result = ChampionChallengerResult.Compare(champion, challenger);

        result.Method.ShouldBe("chi-square-continuity-corrected");
        result.Statistic.ShouldBe(196.0 / 35, 1e-12); // (|10 - 25| - 1)^2 / 35
        result.PValue.ShouldBe(0.017960477526078766, 1e-6); // erfc(sqrt(2.8))
    }

    [Fact]
    public void Compare_IdenticalModels_PValueOne()
    {
        var (champion, challenger) = Pairs(both: 8, onlyChampion: 0, onlyChallenger: 0, neither: 2);

        ChampionChallengerResult.Compare(champion, challenger).PValue.ShouldBe(1);
    }

    [Fact]
    public void Compare_DifferentItems_Throws()
    {
        var (champion, _) = Pairs(3, 0, 0, 0);
        var (other, _) = Pairs(4, 0, 0, 0);

        Should.Throw<ArgumentException>(() => ChampionChallengerResult.Compare(champion, other));
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, 0.15729920705028513)]
    [InlineData(-1.0, 1.8427007929497148)]
    public void Erfc_KnownValues(double x, double expected) => Statistics.Erfc(x).ShouldBe(expected, 2e-7);
}
