using Orchestrator.Ml.Annotation;
using Orchestrator.Ml.Quality;

namespace Orchestrator.Ml.Tests.Annotation;

public sealed class MultiLabelAnnotationsTests
{
    private static readonly string[] Labels = ["cat", "dog", "fox"];

    [Fact]
    public void Consensus_PerLabelMajority_TakesEachLabelOnItsOwnAndFlagsSplits()
    {
        MultiLabelRating[] ratings =
        [
            new("a", "x", ["cat", "dog"]), new("a", "y", ["cat"]), new("a", "z", ["cat", "dog"]),
            new("b", "x", []), new("b", "y", ["fox"]),
            new("c", "x", ["fox"]), new("c", "y", ["fox"]), new("c", "z", ["fox"]),
        ];

        var consensus = MultiLabelAnnotations.Consensus(ratings, Labels, minimumSupport: 0.6);

        consensus.Labels["a"].ShouldBe(["cat", "dog"]);
        consensus.Labels["b"].ShouldBeEmpty(); // a 1-1 tie on fox leaves it out
        consensus.Labels["c"].ShouldBe(["fox"]);
        consensus.Flagged.ShouldBe(["b"]); // 2 of 3 on dog in "a" is support 0.667, above 0.6
    }

    [Fact]
    public void Consensus_UnknownLabel_IsRefusedNamingTheItem() =>
        Should.Throw<ArgumentException>(() => MultiLabelAnnotations.Consensus([new("a", "x", ["owl"])], Labels, 0.6)).Message.ShouldContain("'a'");

    [Fact]
    public void Simulate_PerfectAnnotators_GiveTheTrueSetsAndFullAgreement()
    {
        var items = new List<(string, IReadOnlyList<string>)> { ("a", ["cat"]), ("b", []), ("c", ["dog", "fox"]) };
        var annotators = new[] { new AnnotatorProfile("s1", 1.0), new AnnotatorProfile("s2", 1.0) };

        var ratings = MultiLabelAnnotations.Simulate(items, Labels, annotators, 2, seed: 9);

        ratings.Count.ShouldBe(6);
        ratings.Where(r => r.ItemId == "c").ShouldAllBe(r => string.Join('|', r.Labels) == "dog|fox");
        MultiLabelAnnotations.Consensus(ratings, Labels, 0.6).Flagged.ShouldBeEmpty();
    }

    [Fact]
    public void Simulate_NoisyAnnotators_FlipLabelsAtAboutTheirErrorRateDeterministically()
    {
        var items = Enumerable.Range(0, 400).Select(i => ($"i{i:D3}", (IReadOnlyList<string>)(i % 2 == 0 ? ["cat"] : []))).ToList();
        var annotators = new[] { new AnnotatorProfile("s1", 0.9), new AnnotatorProfile("s2", 0.9), new AnnotatorProfile("s3", 0.9) };

        var first = MultiLabelAnnotations.Simulate(items, Labels, annotators, 3, seed: 1);
        var again = MultiLabelAnnotations.Simulate(items, Labels, annotators, 3, seed: 1);

        again.Select(r => string.Join('|', r.Labels)).ShouldBe(first.Select(r => string.Join('|', r.Labels)));
        var truth = items.ToDictionary(i => i.Item1, i => i.Item2);
        var wrong = first.Sum(r => Labels.Count(l => r.Labels.Contains(l) != truth[r.ItemId].Contains(l)));
        ((double)wrong / (first.Count * Labels.Length)).ShouldBeInRange(0.07, 0.13);
        // 10% flips: on "cat" (half the items) alpha is about (0.82 - 0.5) / 0.5 = 0.64; on labels no item has, every "present" is
        // a flip, observed agreement equals chance and alpha is about 0.
        var agreement = MultiLabelAgreement.Compute(first, Labels).PerLabel;
        agreement[0].Alpha.ShouldBeInRange(0.55, 0.73);
        agreement[1].Alpha.ShouldBeInRange(-0.1, 0.1);
        agreement[2].Alpha.ShouldBeInRange(-0.1, 0.1);
    }
}
