using Orchestrator.Ml.Annotation;

namespace Orchestrator.Ml.Tests.Annotation;

public sealed class ConsensusTests
{
    private static readonly string[] Classes = ["circle", "square", "triangle"];

    [Fact]
    public void MajorityVote_ClearMajority_PicksItWithVoteShare()
    {
        var set = Set(("x", "a", "square"), ("x", "b", "square"), ("x", "c", "circle"));

        MajorityVote.Compute(set).ShouldBe([new ConsensusLabel("x", "square", 2 / 3.0, 3, false)]);
    }

    [Fact]
    public void MajorityVote_Tie_FlagsItAndPicksEarliestClass()
    {
        var set = Set(("x", "a", "triangle"), ("x", "b", "square"));

        MajorityVote.Compute(set).Single().ShouldBe(new ConsensusLabel("x", "square", 0.5, 2, true));
    }

    [Fact]
    public void DisagreementFlags_TieLowShareAndMethodConflict_AreEachReported()
    {
        var majority = new[]
        {
            new ConsensusLabel("ok", "circle", 1, 3, false),
            new ConsensusLabel("tie", "circle", 0.5, 2, true),
            new ConsensusLabel("low", "circle", 0.4, 5, false),
            new ConsensusLabel("conflict", "circle", 0.8, 5, false),
            new ConsensusLabel("lonely", "circle", 1, 1, false),
        };
        var dawidSkene = majority.Select(m => m with { Label = m.ItemId == "conflict" ? "square" : m.Label }).ToList();

        var flags = DisagreementFlags.Find(majority, dawidSkene, minimumSupport: 0.6, minimumRatings: 2);

        flags.Select(f => f.ItemId).ShouldBe(["tie", "low", "conflict", "lonely"]);
        flags[1].Reasons.ShouldBe(["vote share 0.4 below 0.6"]);
        flags[2].Reasons.ShouldBe(["majority says 'circle', Dawid-Skene says 'square'"]);
        flags[3].Reasons.ShouldBe(["1 label(s), 2 required"]);
    }

    [Fact]
    public void AnnotationSet_LabelOutsideClasses_Throws() =>
        Should.Throw<ArgumentException>(() => Set(("x", "a", "hexagon")));

    private static AnnotationSet Set(params (string Item, string Annotator, string Label)[] rows) =>
        AnnotationSet.From(rows.Select(r => new AnnotationRecord(r.Item, r.Annotator, r.Label)), Classes);
}
