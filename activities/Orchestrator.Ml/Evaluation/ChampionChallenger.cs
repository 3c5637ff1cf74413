namespace Orchestrator.Ml.Evaluation;

/// <summary>
/// McNemar's test of two models on the same items. Only discordant pairs matter: b = champion right and
/// challenger wrong, c = the reverse. Exact two-sided binomial test when b + c &lt; 25, otherwise the
/// chi-square statistic with continuity correction, (|b - c| - 1)^2 / (b + c), on one degree of freedom.
/// An item whose outputs are NaN or infinite counts as wrong for that model.
/// </summary>
public sealed record ChampionChallengerResult(
    double ChampionAccuracy,
    double ChallengerAccuracy,
    int BothCorrect,
    int OnlyChampionCorrect,
    int OnlyChallengerCorrect,
    int BothWrong,
    double Statistic,
    double PValue,
    string Method)
{
    public static ChampionChallengerResult Compare(Predictions champion, Predictions challenger)
    {
        ArgumentNullException.ThrowIfNull(champion);
        ArgumentNullException.ThrowIfNull(challenger);
        ArgumentOutOfRangeException.ThrowIfZero(champion.Count);
        if (champion.Count != challenger.Count || !champion.Labels.SequenceEqual(challenger.Labels))
        {
            throw new ArgumentException("Champion and challenger must be evaluated on the same items in the same order.", nameof(challenger));
        }

        int both = 0, onlyChampion = 0, onlyChallenger = 0, neither = 0;
        for (var i = 0; i < champion.Count; i++)
        {
            var a = champion.IsCorrect(i);
            var b = challenger.IsCorrect(i);
            _ = (a, b) switch
            {
                (true, true) => both++,
                (true, false) => onlyChampion++,
                (false, true) => onlyChallenger++,
                _ => neither++,
            };
        }

        var n = onlyChampion + onlyChallenger;
        double statistic, p;
        string method;
        if (n < 25)
        {
            method = "exact-binomial";
            statistic = Math.Min(onlyChampion, onlyChallenger);
            p = Statistics.BinomialTwoSided(Math.Min(onlyChampion, onlyChallenger), n);
        }
        else
        {
            method = "chi-square-continuity-corrected";
            var d = Math.Abs(onlyChampion - onlyChallenger) - 1.0;
            statistic = Math.Max(0, d) * Math.Max(0, d) / n;
            p = Statistics.ChiSquareOneDofSurvival(statistic);
        }

        return new ChampionChallengerResult((double)(both + onlyChampion) / champion.Count, (double)(both + onlyChallenger) / champion.Count,
            both, onlyChampion, onlyChallenger, neither, statistic, p, method);
    }
}
