using Orchestrator.Ml.Evaluation;

namespace Orchestrator.Ml.Tests.Evaluation;

public sealed class SoftmaxTests
{
    [Fact]
    public void Rows_Logits_GiveTheNormalisedExponentials()
    {
        var probabilities = new float[6];

        var nonFinite = Softmax.Rows([1f, 2f, 3f, 0f, 0f, 0f], probabilities, 3);

        var sum = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        probabilities.Select(p => (double)p).ShouldBe([Math.Exp(1) / sum, Math.Exp(2) / sum, Math.Exp(3) / sum, 1 / 3.0, 1 / 3.0, 1 / 3.0], tolerance: 1e-7);
        nonFinite.ShouldBe(0);
    }

    [Fact]
    public async Task Rows_ClassCountZero_ThrowsInsteadOfLooping()
    {
        // row += 0 never reached the end.
        var error = await Should.ThrowAsync<ArgumentOutOfRangeException>(Bounded.Run(() => Softmax.Rows([1f, 2f], new float[2], 0)));

        error.Message.ShouldContain("Softmax.Rows: classCount is 0");
    }

    [Fact]
    public void Rows_RaggedInput_SaysTheLastRowIsIncomplete()
    {
        var error = Should.Throw<ArgumentException>(() => Softmax.Rows([1f, 2f, 3f, 4f, 5f, 6f, 7f], new float[7], 3));

        error.Message.ShouldContain("7 logits are not whole rows of 3 classes");
    }

    [Fact]
    public void Rows_ProbabilitiesOfAnotherLength_Throws() =>
        Should.Throw<ArgumentException>(() => Softmax.Rows([1f, 2f, 3f, 4f], new float[2], 2)).Message.ShouldContain("room for 2");

    [Fact]
    public void Rows_NonFiniteLogit_GivesARowOfNaNAndIsCounted()
    {
        float[] logits = [1f, 2f, float.NaN, 0f, float.PositiveInfinity, 0f, float.NegativeInfinity, 0f, 3f, 3f];
        var probabilities = new float[logits.Length];

        var nonFinite = Softmax.Rows(logits, probabilities, 2);

        nonFinite.ShouldBe(3);
        probabilities.AsSpan(2, 6).ToArray().ShouldAllBe(p => float.IsNaN(p));
        probabilities[0].ShouldBe((float)(1 / (1 + Math.E)), 1e-7f);
        probabilities[8].ShouldBe(0.5f);
        probabilities[9].ShouldBe(0.5f);
    }
}
