using Orchestrator.Ml.Annotation;

namespace Orchestrator.Ml.Tests.Annotation;

public sealed class AnnotatorSimulatorTests
{
    private static readonly string[] Classes = ["circle", "square", "triangle"];
    private static readonly (string, string)[] Items = [.. Enumerable.Range(0, 3000).Select(i => ($"i{i}", Classes[i % 3]))];

    [Fact]
    public void Simulate_SameSeed_GivesSameLabels() =>
        AnnotatorSimulator.Simulate(Items, Classes, Profiles(), 2, seed: 5).ShouldBe(AnnotatorSimulator.Simulate(Items, Classes, Profiles(), 2, seed: 5));

    [Fact]
    public void Simulate_EachItem_GetsDistinctAnnotators()
    {
        var records = AnnotatorSimulator.Simulate(Items, Classes, Profiles(), 3, seed: 5);

        records.GroupBy(r => r.ItemId).ShouldAllBe(g => g.Select(r => r.Annotator).Distinct().Count() == 3);
        records.Count.ShouldBe(9000);
    }

    [Fact]
    public void Simulate_Accuracy_MatchesProfile()
    {
        var truth = Items.ToDictionary(i => i.Item1, i => i.Item2);
        var records = AnnotatorSimulator.Simulate(Items, Classes, Profiles(), 3, seed: 9);

        records.Where(r => r.Annotator == "sloppy").Average(r => r.Label == truth[r.ItemId] ? 1.0 : 0).ShouldBe(0.6, 0.03);
        records.Where(r => r.Annotator == "expert").Average(r => r.Label == truth[r.ItemId] ? 1.0 : 0).ShouldBe(0.95, 0.02);
    }

    [Fact]
    public void Simulate_Confusion_SendsErrorsToTheNamedClass()
    {
        var truth = Items.ToDictionary(i => i.Item1, i => i.Item2);
        var records = AnnotatorSimulator.Simulate(Items, Classes, Profiles(), 3, seed: 9);

        records.Where(r => r.Annotator == "mixer" && truth[r.ItemId] == "circle" && r.Label != "circle").ShouldAllBe(r => r.Label == "triangle");
    }

    [Fact]
    public void Simulate_ConfusionNamingUnknownClass_Throws() =>
        Should.Throw<ArgumentException>(() => AnnotatorSimulator.Simulate(Items, Classes,
            [new AnnotatorProfile("x", 0.5, new Dictionary<string, string> { ["circle"] = "oval" })], 1, 1));

    private static AnnotatorProfile[] Profiles() =>
    [
        new("expert", 0.95),
        new("sloppy", 0.6),
        new("mixer", 0.7, new Dictionary<string, string> { ["circle"] = "triangle" }),
    ];
}
