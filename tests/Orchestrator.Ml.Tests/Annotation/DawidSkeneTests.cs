using Orchestrator.Ml.Annotation;

namespace Orchestrator.Ml.Tests.Annotation;

/// <summary>
/// Dawid and Skene (1979), "Maximum likelihood estimation of observer error-rates using the EM
/// algorithm", Applied Statistics 28(1): the EM estimates recover each observer's error rates and the
/// true labels better than a vote when observers differ in quality. Checked here on simulated
/// annotators whose true error rates are known.
/// </summary>
public sealed class DawidSkeneTests
{
    private static readonly string[] Classes = ["circle", "square", "triangle", "cross"];

    [Fact]
    public void Estimate_GoodAnnotatorsAndSpammers_RecoversEachAnnotatorsAccuracy()
    {
        AnnotatorProfile[] annotators =
        [
            new("good1", 0.95), new("good2", 0.9), new("fair", 0.75), new("spam1", 0.25), new("spam2", 0.25),
        ];
        var (truth, set) = Simulate(annotators, items: 2000, perItem: 5);

        var result = DawidSkene.Estimate(set);

        result.Converged.ShouldBeTrue();
        foreach (var profile in annotators)
        {
            var matrix = result.ConfusionMatrices[set.Annotators.ToList().IndexOf(profile.Id)];
            Enumerable.Range(0, Classes.Length).Average(k => matrix[k][k]).ShouldBe(profile.Accuracy, 0.04, profile.Id);
        }

        result.ClassPriors.ShouldAllBe(p => Math.Abs(p - 0.25) < 0.04);
        Accuracy(result.Labels, truth).ShouldBeGreaterThan(Accuracy(MajorityVote.Compute(set), truth) + 0.02);
        Accuracy(result.Labels, truth).ShouldBeGreaterThan(0.97);
    }

    [Fact]
    public void Estimate_AnnotatorsWhoConfuseCirclesWithSquares_AreDiscountedOnCircles()
    {
        // Two of three annotators are excellent except that they usually call circles squares: the
        // vote gets most circles wrong; Dawid-Skene learns the confusion and recovers them.
        var confused = new Dictionary<string, string> { ["circle"] = "square" };
        var poorOnCircles = new Dictionary<string, double> { ["circle"] = 0.3 };
        AnnotatorProfile[] annotators =
        [
            new("careful", 0.9), new("hasty1", 0.97, confused, poorOnCircles), new("hasty2", 0.97, confused, poorOnCircles),
        ];
        var (truth, set) = Simulate(annotators, items: 3000, perItem: 3);

        var result = DawidSkene.Estimate(set);

        var circles = truth.Where(t => t.Value == "circle").Select(t => t.Key).ToHashSet();
        double CircleAccuracy(IEnumerable<ConsensusLabel> labels) => labels.Where(l => circles.Contains(l.ItemId)).Average(l => l.Label == "circle" ? 1.0 : 0.0);
        CircleAccuracy(MajorityVote.Compute(set)).ShouldBeLessThan(0.6);
        CircleAccuracy(result.Labels).ShouldBeGreaterThan(0.85);
        var hasty = result.ConfusionMatrices[set.Annotators.ToList().IndexOf("hasty1")];
        hasty[0][1].ShouldBe(0.7, 0.05);
    }

    [Fact]
    public void Estimate_SameInput_IsDeterministic()
    {
        var (_, set) = Simulate([new("a", 0.8), new("b", 0.7), new("c", 0.6)], items: 200, perItem: 3);

        DawidSkene.Estimate(set).Posteriors.ShouldBe(DawidSkene.Estimate(set).Posteriors);
    }

    [Fact]
    public void Estimate_PosteriorsAreProbabilities()
    {
        var (_, set) = Simulate([new("a", 0.8), new("b", 0.5)], items: 100, perItem: 2);

        DawidSkene.Estimate(set).Posteriors.ShouldAllBe(p => Math.Abs(p.Sum() - 1) < 1e-9 && p.All(x => x >= 0));
    }

    private static (Dictionary<string, string> Truth, AnnotationSet Set) Simulate(AnnotatorProfile[] annotators, int items, int perItem)
    {
        var truth = Enumerable.Range(0, items).ToDictionary(i => $"item-{i:D5}", i => Classes[i % Classes.Length]);
        var records = AnnotatorSimulator.Simulate([.. truth.Select(t => (t.Key, t.Value))], Classes, annotators, perItem, seed: 17);
        return (truth, AnnotationSet.From(records, Classes));
    }

    private static double Accuracy(IEnumerable<ConsensusLabel> labels, Dictionary<string, string> truth) =>
        labels.Average(l => l.Label == truth[l.ItemId] ? 1.0 : 0.0);
}
