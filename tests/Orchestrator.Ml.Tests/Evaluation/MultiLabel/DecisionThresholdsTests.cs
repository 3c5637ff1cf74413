using Orchestrator.Ml.Evaluation.MultiLabel;

namespace Orchestrator.Ml.Tests.Evaluation.MultiLabel;

public sealed class DecisionThresholdsTests
{
    [Fact]
    public void Choose_HandCase_PicksTheF1MaximisingCutMidwayToTheNextScore()
    {
        // Label 0, scores high to low: .9+ .8- .6+ .3- .2+. Cuts: after .9 F1=2/4, .8 2/5, .6 4/6, .3 4/7, .2 6/8=.75.
        // Best is everything (F1 .75): threshold is the lowest score itself, .2.
        // Label 1: .9+ .7+ .4- .1-: cut after .7 gives F1 1; midway to .4 is .55.
        var p = new MultiLabelPredictions(2,
            [true, true, false, true, true, false, false, false, true, false],
            [0.9f, 0.9f, 0.8f, 0.7f, 0.6f, 0.4f, 0.3f, 0.1f, 0.2f, 0.05f]);

        var chosen = DecisionThresholds.Choose(p);

        chosen[0].Threshold.ShouldBe(0.2, 1e-6);
        chosen[0].ValidationF1.ShouldBe(0.75, 1e-12);
        chosen[1].Threshold.ShouldBe(0.55, 1e-6);
        chosen[1].ValidationF1.ShouldBe(1, 1e-12);
        chosen.ShouldAllBe(t => t.Basis == ThresholdBasis.MaximisedValidationF1);
    }

    [Fact]
    public void Choose_RandomColumns_NoThresholdOnAFineGridDoesBetter()
    {
        var random = new Random(11);
        for (var trial = 0; trial < 50; trial++)
        {
            var n = random.Next(2, 30);
            var truth = Enumerable.Range(0, n).Select(_ => random.NextDouble() < 0.3).ToArray();
            truth[0] = true;
            var scores = Enumerable.Range(0, n).Select(_ => (float)Math.Round(random.NextDouble(), 2)).ToArray();
            var chosen = DecisionThresholds.Choose(new MultiLabelPredictions(1, truth, scores))[0];

            // Brute force: every threshold 0.000..1.000 in steps of 0.001, F1 computed the plain way.
            var best = Enumerable.Range(0, 1001).Select(t => F1(truth, scores, t / 1000.0)).Max();
            chosen.ValidationF1.ShouldBe(best, 1e-12);
            F1(truth, scores, chosen.Threshold).ShouldBe(best, 1e-12);
        }
    }

    [Fact]
    public void Choose_NoValidationPositive_FallsBackToHalfAndSaysSo()
    {
        var chosen = DecisionThresholds.Choose(new MultiLabelPredictions(2, [true, false, true, false], [0.9f, 0.3f, 0.4f, 0.8f]));

        chosen[1].Threshold.ShouldBe(DecisionThresholds.Default);
        chosen[1].Basis.ShouldBe(ThresholdBasis.NoValidationPositives);
        double.IsNaN(chosen[1].ValidationF1).ShouldBeTrue();
    }

    private static double F1(bool[] truth, float[] scores, double threshold)
    {
        int tp = 0, fp = 0, fn = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            var says = scores[i] >= threshold;
            tp += says && truth[i] ? 1 : 0;
            fp += says && !truth[i] ? 1 : 0;
            fn += !says && truth[i] ? 1 : 0;
        }

        return 2.0 * tp / ((2 * tp) + fp + fn);
    }
}
