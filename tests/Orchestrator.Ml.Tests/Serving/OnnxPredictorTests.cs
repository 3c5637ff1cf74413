using Orchestrator.Ml.Data;
using Orchestrator.Ml.Serving;
using Orchestrator.Testing.Models;

namespace Orchestrator.Ml.Tests.Serving;

public sealed class OnnxPredictorTests
{
    private static readonly byte[] Model = ColourBaselineModel.Create(16);
    private static readonly string Digest = Contracts.Digest.Of(Model).ToString();

    internal static RgbImage Solid(byte r, byte g, byte b, int size = 20)
    {
        var pixels = new byte[size * size * 3];
        for (var i = 0; i < pixels.Length; i += 3)
        {
            (pixels[i], pixels[i + 1], pixels[i + 2]) = (r, g, b);
        }

        return new RgbImage(size, size, pixels);
    }

    [Fact]
    public void Predict_ColouredImages_ReturnsNormalisedProbabilitiesOfTheDominantChannel()
    {
        using var predictor = new OnnxPredictor(Model);

        var probabilities = predictor.Predict([Solid(230, 20, 20), Solid(10, 200, 30), Solid(20, 30, 220)]);

        predictor.ClassNames.ShouldBe(["red", "green", "blue"]);
        predictor.Preprocessing.InputSize.ShouldBe(16);
        probabilities.Length.ShouldBe(9);
        for (var i = 0; i < 3; i++)
        {
            var row = probabilities.AsSpan(i * 3, 3).ToArray();
            row.Sum().ShouldBe(1f, 1e-5f);
            Array.IndexOf(row, row.Max()).ShouldBe(i);
        }
    }

    [Fact]
    public void Predict_ModelAnsweringNaN_RefusesToTurnItIntoProbabilities()
    {
        using var predictor = new OnnxPredictor(ColourBaselineModel.Create(16, bias: [0f, float.NaN, 0f]));

        var refused = Should.Throw<NonFiniteOutputException>(() => predictor.Predict([Solid(230, 20, 20), Solid(10, 200, 30)]));

        (refused.Images, refused.Total).ShouldBe((2, 2));
        refused.Message.ShouldBe("the model's output is not finite for 2 of 2 image(s) (NaN or infinite logits)");
    }

    [Fact]
    public void ChannelMeans_SolidImage_ReturnsIntensitiesInUnitRange()
    {
        OnnxPredictor.ChannelMeans(Solid(255, 0, 51)).ShouldBe([1.0, 0.0, 0.2], tolerance: 1e-12);
    }

    [Fact]
    public async Task GetAsync_ConcurrentFirstRequests_LoadOnceAndVerifyTheDigest()
    {
        var loads = 0;
        using var cache = new PredictorCache((digest, _) =>
        {
            Interlocked.Increment(ref loads);
            return Task.FromResult(digest == Digest ? Model : [.. Model, 0]);
        });

        var predictors = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => cache.GetAsync(Digest, TestContext.Current.CancellationToken)));
        var tampered = await Should.ThrowAsync<InvalidDataException>(() => cache.GetAsync(Contracts.Digest.FromHex(new string('0', 64)).ToString(), TestContext.Current.CancellationToken));

        predictors.Distinct().Count().ShouldBe(1);
        loads.ShouldBe(2);
        tampered.Message.ShouldContain("refusing to serve");
        cache.IsLoaded(Digest).ShouldBeTrue();
        cache.Evict(Digest).ShouldBeTrue();
        cache.IsLoaded(Digest).ShouldBeFalse();
    }
}
