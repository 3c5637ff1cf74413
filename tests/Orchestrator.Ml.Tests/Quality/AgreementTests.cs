using Orchestrator.Ml.Annotation;
using Orchestrator.Ml.Quality;

namespace Orchestrator.Ml.Tests.Quality;

/// <summary>Agreement statistics against published worked examples (sources cited per test).</summary>
public sealed class AgreementTests
{
    [Fact]
    public void CohenKappa_WikipediaWorkedExample_IsPointFour()
    {
        // Wikipedia, "Cohen's kappa", Simple example: 50 proposals, A and B both Yes on 20, A Yes/B No 5,
        // A No/B Yes 10, both No 15: po = 0.7, pe = 0.5, kappa = 0.4.
        var (a, b) = Pairs(("Yes", "Yes", 20), ("Yes", "No", 5), ("No", "Yes", 10), ("No", "No", 15));

        var result = CohenKappa.Compute(a, b);

        result.ObservedAgreement.ShouldBe(0.7, 1e-12);
        result.ExpectedAgreement.ShouldBe(0.5, 1e-12);
        result.Kappa.ShouldBe(0.4, 1e-12);
    }

    [Fact]
    public void CohenKappa_WikipediaSameAgreementDifferentMarginals_Examples()
    {
        // Wikipedia, "Cohen's kappa", Same percentages but different numbers: both tables have 60% agreement;
        // (45,15,25,15) gives kappa 0.1304 and (25,35,5,35) gives 0.2593.
        var (a1, b1) = Pairs(("Yes", "Yes", 45), ("Yes", "No", 15), ("No", "Yes", 25), ("No", "No", 15));
        var (a2, b2) = Pairs(("Yes", "Yes", 25), ("Yes", "No", 35), ("No", "Yes", 5), ("No", "No", 35));

        CohenKappa.Compute(a1, b1).Kappa.ShouldBe(0.1304, 5e-5);
        CohenKappa.Compute(a2, b2).Kappa.ShouldBe(0.2593, 5e-5);
    }

    [Fact]
    public void CohenKappa_OneClassOnly_IsUndefined() =>
        double.IsNaN(CohenKappa.Compute(["a", "a"], ["a", "a"]).Kappa).ShouldBeTrue();

    [Fact]
    public void FleissKappa_WikipediaWorkedExample_IsPoint210()
    {
        // Wikipedia, "Fleiss' kappa", Worked example: 14 raters, 10 subjects, 5 categories:
        // p_j = 0.143, 0.200, 0.279, 0.150, 0.229; P-bar = 0.378, Pe-bar = 0.213, kappa = 0.210.
        int[][] table =
        [
            [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
        ];

        var result = FleissKappa.Compute(table);

        result.CategoryProportions.ShouldBe([0.143, 0.200, 0.279, 0.150, 0.229], 5e-4);
        result.Overall.ObservedAgreement.ShouldBe(0.378, 5e-4);
        result.Overall.ExpectedAgreement.ShouldBe(0.213, 5e-4);
        result.Overall.Kappa.ShouldBe(0.210, 5e-4);
    }

    [Fact]
    public void FleissKappa_TwoRaters_EqualsScottsPi()
    {
        // With two raters Fleiss' kappa reduces to Scott's pi (Fleiss 1971): for the Cohen example above
        // pooled marginals are Yes 0.55, No 0.45, pe = 0.505, pi = (0.7 - 0.505) / 0.495.
        var (a, b) = Pairs(("Yes", "Yes", 20), ("Yes", "No", 5), ("No", "Yes", 10), ("No", "No", 15));
        var set = AnnotationSet.From(a.Select((l, i) => new AnnotationRecord($"i{i}", "A", l)).Concat(b.Select((l, i) => new AnnotationRecord($"i{i}", "B", l))), ["Yes", "No"]);

        FleissKappa.FromAnnotations(set)!.Overall.Kappa.ShouldBe((0.7 - 0.505) / 0.495, 1e-12);
    }

    [Fact]
    public void FleissKappa_UnequalRatingCounts_IsNotComputed()
    {
        var set = AnnotationSet.From([new("x", "A", "a"), new("x", "B", "a"), new("y", "A", "a")], ["a", "b"]);

        FleissKappa.FromAnnotations(set).ShouldBeNull();
    }

    [Fact]
    public void KrippendorffAlpha_NominalWithMissingData_MatchesKrippendorff2011()
    {
        // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers,
        // 12 units, values 1-5, missing data; nominal alpha = 0.743.
        string?[][] observers =
        [
            ["1", "2", "3", "3", "2", "1", "4", "1", "2", null, null, null],
            ["1", "2", "3", "3", "2", "2", "4", "1", "2", "5", null, "3"],
            [null, "3", "3", "3", "2", "3", "4", "2", "2", "5", "1", null],
            ["1", "2", "3", "3", "2", "4", "4", "1", "2", "5", "1", null],
        ];
        var units = Enumerable.Range(0, 12).Select(u => observers.Select(o => o[u]));

        KrippendorffAlpha.Nominal(units).ShouldBe(0.743, 5e-4);
    }

    [Fact]
    public void KrippendorffAlpha_TwoObserversBinary_MatchesKrippendorff2011()
    {
        // Krippendorff (2011), section A: two observers, binary data, 10 units; alpha = 0.095.
        int[] a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
        int[] b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
        var units = a.Zip(b, (x, y) => new string?[] { x.ToString(System.Globalization.CultureInfo.InvariantCulture), y.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        KrippendorffAlpha.Nominal(units).ShouldBe(0.095, 5e-4);
    }

    [Fact]
    public void KrippendorffAlpha_FromAnnotationSet_IgnoresSingleLabelItems()
    {
        var set = AnnotationSet.From([new("x", "A", "a"), new("x", "B", "a"), new("y", "A", "b"), new("y", "B", "b"), new("z", "A", "a")], ["a", "b"]);

        KrippendorffAlpha.Nominal(set).ShouldBe(1.0, 1e-12);
    }

    [Fact]
    public void PerClassAgreement_TwoRaters_EqualsPositiveAndNegativeSpecificAgreement()
    {
        // Cicchetti and Feinstein (1990): with a = 20 both Yes, b + c = 15 disagreements, d = 15 both No,
        // positive agreement 2a / (2a + b + c) = 40/55 and negative agreement 2d / (2d + b + c) = 30/45.
        var (a, b) = Pairs(("Yes", "Yes", 20), ("Yes", "No", 5), ("No", "Yes", 10), ("No", "No", 15));
        var set = AnnotationSet.From(a.Select((l, i) => new AnnotationRecord($"i{i}", "A", l)).Concat(b.Select((l, i) => new AnnotationRecord($"i{i}", "B", l))), ["Yes", "No", "Maybe"]);

        var agreement = PerClassAgreement.Compute(set);

        agreement["Yes"].ShouldBe(40 / 55.0, 1e-12);
        agreement["No"].ShouldBe(30 / 45.0, 1e-12);
        double.IsNaN(agreement["Maybe"]).ShouldBeTrue();
    }

    [Fact]
    public void Pairwise_ThreeAnnotators_GivesEachPairOverSharedItems()
    {
        var set = AnnotationSet.From(
            [new("x", "A", "a"), new("x", "B", "a"), new("y", "A", "b"), new("y", "B", "b"), new("x", "C", "a"), new("z", "C", "b")], ["a", "b"]);

        var pairs = CohenKappa.Pairwise(set, minimumSharedItems: 1);

        pairs.Select(p => (p.AnnotatorA, p.AnnotatorB, p.Result.Items)).ShouldBe([("A", "B", 2), ("A", "C", 1), ("B", "C", 1)]);
        pairs[0].Result.Kappa.ShouldBe(1.0);
    }

    private static (string[] A, string[] B) Pairs(params (string A, string B, int Count)[] cells) =>
        ([.. cells.SelectMany(c => Enumerable.Repeat(c.A, c.Count))], [.. cells.SelectMany(c => Enumerable.Repeat(c.B, c.Count))]);
}
