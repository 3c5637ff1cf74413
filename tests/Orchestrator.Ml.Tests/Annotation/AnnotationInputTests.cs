using Orchestrator.Ml.Annotation;

namespace Orchestrator.Ml.Tests.Annotation;

/// <summary>Malformed label sets and estimator settings are refused in the statistics' own words.</summary>
public sealed class AnnotationInputTests
{
    private static readonly string[] Classes = ["circle", "square", "triangle"];

    private static AnnotationSet Set(params (string Item, string Annotator, string Label)[] rows) =>
        AnnotationSet.From(rows.Select(r => new AnnotationRecord(r.Item, r.Annotator, r.Label)), Classes);

    [Fact]
    public void From_NullLabel_NamesTheRecordNotADictionaryKey()
    {
        var error = Should.Throw<ArgumentException>(() => AnnotationSet.From([new("x", "a", "circle"), new("y", "b", null!)], Classes));

        error.Message.ShouldContain("record 1 (item 'y', annotator 'b') has no label");
        error.Message.ShouldNotContain("'key'");
    }

    [Fact]
    public void From_NullItemOrAnnotatorOrRecord_NamesTheRecord()
    {
        Should.Throw<ArgumentException>(() => AnnotationSet.From([new(null!, "a", "circle")], Classes)).Message.ShouldContain("record 0 has no item id");
        Should.Throw<ArgumentException>(() => AnnotationSet.From([new("x", null!, "circle")], Classes)).Message.ShouldContain("record 0 (item 'x') has no annotator");
        Should.Throw<ArgumentException>(() => AnnotationSet.From([null!], Classes)).Message.ShouldContain("record 0 is null");
    }

    [Fact]
    public void From_DuplicateClassName_SaysWhichClass()
    {
        var error = Should.Throw<ArgumentException>(() => AnnotationSet.From([new("x", "a", "circle")], ["circle", "square", "circle"]));

        error.Message.ShouldContain("class 'circle' is listed twice (positions 0 and 2)");
        error.Message.ShouldNotContain("same key");
    }

    [Fact]
    public void From_NullClassName_IsRefused() =>
        Should.Throw<ArgumentException>(() => AnnotationSet.From([], ["circle", null!])).Message.ShouldContain("class 1 is null");

    [Fact]
    public void From_SameAnnotatorTwiceOnOneItem_IsRefused()
    {
        // Counted twice in the vote, Fleiss and Dawid-Skene, once in Cohen's kappa: the statistics would disagree.
        var error = Should.Throw<ArgumentException>(() => Set(("x", "a", "circle"), ("x", "a", "square")));

        error.Message.ShouldContain("annotator 'a' labelled item 'x' twice");
    }

    [Fact]
    public void From_LabelNotAClass_StillNamesIt() =>
        Should.Throw<ArgumentException>(() => Set(("x", "a", "hexagon"))).Message.ShouldContain("'hexagon'");

    [Fact]
    public void Estimate_ZeroSmoothing_IsRefusedInsteadOfNaNPosteriors()
    {
        // With smoothing 0 a class nobody chose gets prior 0 and confusion rows 0/0: every posterior NaN,
        // and every label silently the first class.
        var set = Set(("x", "a", "square"), ("x", "b", "square"), ("y", "a", "triangle"), ("y", "b", "triangle"));

        var error = Should.Throw<ArgumentOutOfRangeException>(() => DawidSkene.Estimate(set, smoothing: 0));

        error.Message.ShouldContain("DawidSkene.Estimate: smoothing must be a positive number");
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Estimate_BadSmoothing_IsRefused(double smoothing) =>
        Should.Throw<ArgumentOutOfRangeException>(() => DawidSkene.Estimate(Set(("x", "a", "square")), smoothing: smoothing));

    [Fact]
    public void Estimate_BadIterationsOrTolerance_IsRefused()
    {
        var set = Set(("x", "a", "square"));

        Should.Throw<ArgumentOutOfRangeException>(() => DawidSkene.Estimate(set, maxIterations: 0));
        Should.Throw<ArgumentOutOfRangeException>(() => DawidSkene.Estimate(set, tolerance: double.NaN));
        Should.Throw<ArgumentOutOfRangeException>(() => DawidSkene.Estimate(set, tolerance: -1));
    }

    [Fact]
    public void Estimate_SmallSmoothing_GivesFinitePosteriors()
    {
        var set = Set(("x", "a", "square"), ("x", "b", "square"), ("y", "a", "triangle"), ("y", "b", "triangle"));

        var result = DawidSkene.Estimate(set, smoothing: 1e-12);

        result.Posteriors.SelectMany(p => p).ShouldAllBe(p => double.IsFinite(p));
        result.Labels.Select(l => l.Label).ShouldBe(["square", "triangle"]);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-0.5)]
    [InlineData(1.5)]
    public void DisagreementFlags_SupportOutsideZeroOne_IsRefused(double minimumSupport) =>
        Should.Throw<ArgumentOutOfRangeException>(() => DisagreementFlags.Find([new ConsensusLabel("x", "circle", 0.5, 2, false)], null, minimumSupport));
}
