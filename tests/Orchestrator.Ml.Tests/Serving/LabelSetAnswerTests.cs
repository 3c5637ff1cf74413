using Orchestrator.Ml.Serving;

namespace Orchestrator.Ml.Tests.Serving;

public sealed class LabelSetAnswerTests
{
    private static readonly string[] Labels = ["cat", "dog", "bird"];

    [Fact]
    public void Select_PerLabelThresholds_LabelsReachingTheirOwnThresholdMostProbableFirst()
    {
        // dog 0.35 reaches its low threshold 0.3; cat 0.6 misses its high 0.7; bird 0.9 passes 0.5.
        var answer = LabelSetAnswer.Select([0.6f, 0.35f, 0.9f], Labels, [0.7, 0.3, 0.5]);

        answer.Select(a => a.Label).ShouldBe(["bird", "dog"]);
        answer[0].Probability.ShouldBe(0.9, 1e-6);
    }

    [Fact]
    public void Select_NothingReachesItsThreshold_EmptyAnswer() =>
        LabelSetAnswer.Select([0.1f, 0.2f, 0.3f], Labels, [0.5, 0.5, 0.5]).ShouldBeEmpty();

    [Fact]
    public void Select_AtTheThresholdExactly_IsAssigned() =>
        LabelSetAnswer.Select([0.5f, 0.2f, 0.3f], Labels, [0.5, 0.5, 0.5]).ShouldHaveSingleItem().Label.ShouldBe("cat");

    [Fact]
    public void Select_BadInput_RefusedNamingTheLabel()
    {
        Should.Throw<ArgumentException>(() => LabelSetAnswer.Select([0.5f, float.NaN, 0.3f], Labels, [0.5, 0.5, 0.5]))
            .Message.ShouldContain("label 'dog' has probability NaN");
        Should.Throw<ArgumentException>(() => LabelSetAnswer.Select([0.5f, 0.2f], Labels, [0.5, 0.5, 0.5]))
            .Message.ShouldContain("2 probabilities, 3 labels and 3 thresholds");
    }
}
