using Orchestrator.Ml.Quality;

namespace Orchestrator.Ml.Tests.Quality;

public sealed class MultiLabelAgreementTests
{
    private static readonly string[] Labels = ["cat", "dog"];

    [Fact]
    public void Compute_TwoRatersThreeItems_HandWorkedAlphaAndKappa()
    {
        // "cat": item 1 both yes, item 2 both no, item 3 split. Coincidences o11=2, o00=2, o10=o01=1; n=6,
        // n1=n0=3; Do=2, De=(36-18)/5=3.6; alpha = 1 - 2/3.6 = 4/9. Fleiss: P-bar=(1+1+0)/3=2/3,
        // Pe=.5^2+.5^2=.5, kappa=1/3. "dog": nobody used it, so agreement is undefined (NaN), not perfect.
        MultiLabelRating[] ratings =
        [
            new("1", "ann", ["cat"]), new("1", "bob", ["cat"]),
            new("2", "ann", []), new("2", "bob", []),
            new("3", "ann", ["cat"]), new("3", "bob", []),
        ];

        var result = MultiLabelAgreement.Compute(ratings, Labels);

        result.PerLabel[0].Alpha.ShouldBe(4.0 / 9, 1e-12);
        result.PerLabel[0].FleissKappa!.Value.ShouldBe(1.0 / 3, 1e-12);
        result.PerLabel[0].Prevalence.ShouldBe(0.5, 1e-12);
        double.IsNaN(result.PerLabel[1].Alpha).ShouldBeTrue();
        result.MeanAlpha.ShouldBe(4.0 / 9, 1e-12);
        result.PairableItems.ShouldBe(3);
    }

    [Fact]
    public void Compute_PerLabelAlpha_EqualsKrippendorffOnTheBinaryColumn()
    {
        // Three raters on some items, two on others: alpha per label is exactly the nominal alpha of the
        // present/absent values, single-rater items carry nothing, and Fleiss is not defined (counts vary).
        MultiLabelRating[] ratings =
        [
            new("1", "a", ["cat", "dog"]), new("1", "b", ["cat"]), new("1", "c", ["cat", "dog"]),
            new("2", "a", ["dog"]), new("2", "b", ["dog"]),
            new("3", "a", []), new("3", "b", ["cat"]), new("3", "c", []),
            new("4", "a", ["cat"]),
        ];

        var result = MultiLabelAgreement.Compute(ratings, Labels);

        var dog = KrippendorffAlpha.Nominal([["1", "0", "1"], ["1", "1"], ["0", "0", "0"]]);
        result.PerLabel[1].Alpha.ShouldBe(dog, 1e-12);
        result.PerLabel[1].FleissKappa.ShouldBeNull();
        result.PairableItems.ShouldBe(3);
    }

    [Fact]
    public void Compute_PerfectAgreementOnBothLabels_IsOne()
    {
        MultiLabelRating[] ratings =
        [
            new("1", "a", ["cat", "dog"]), new("1", "b", ["dog", "cat"]),
            new("2", "a", ["dog"]), new("2", "b", ["dog"]),
            new("3", "a", []), new("3", "b", []),
        ];

        MultiLabelAgreement.Compute(ratings, Labels).MeanAlpha.ShouldBe(1, 1e-12);
    }

    [Fact]
    public void Compute_NoItemWithTwoRaters_MeanIsUndefined()
    {
        var result = MultiLabelAgreement.Compute([new("1", "a", ["cat"]), new("2", "a", ["dog"])], Labels);

        double.IsNaN(result.MeanAlpha).ShouldBeTrue();
        result.PairableItems.ShouldBe(0);
    }

    [Theory]
    [InlineData("unknown", "rating 1 (item '1', annotator 'b'): label 'bird' is not a label of the dataset")]
    [InlineData("repeated", "rating 1 (item '1', annotator 'b'): label 'cat' is given twice")]
    [InlineData("twice", "rating 1 (item '1'): annotator 'a' rated the item twice")]
    [InlineData("noset", "rating 1 (item '1', annotator 'b') has no label set")]
    public void Compute_MalformedRating_IsRefusedNamingIt(string kind, string message)
    {
        MultiLabelRating second = kind switch
        {
            "unknown" => new("1", "b", ["bird"]),
            "repeated" => new("1", "b", ["cat", "cat"]),
            "twice" => new("1", "a", []),
            _ => new("1", "b", null!),
        };

        Should.Throw<ArgumentException>(() => MultiLabelAgreement.Compute([new("1", "a", ["cat"]), second], Labels))
            .Message.ShouldContain(message);
    }

    [Fact]
    public void Compute_BadLabelVocabulary_IsRefused()
    {
        Should.Throw<ArgumentException>(() => MultiLabelAgreement.Compute([], [])).Message.ShouldContain("no labels");
        Should.Throw<ArgumentException>(() => MultiLabelAgreement.Compute([], ["cat", "cat"])).Message.ShouldContain("listed twice");
    }
}
