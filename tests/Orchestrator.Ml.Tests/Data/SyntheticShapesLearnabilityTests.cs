using Orchestrator.Ml.Data;
using Orchestrator.Ml.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Tests.Data;

/// <summary>
/// The generator's promise to the training stage: its default classes are learnable. A small CNN
/// trained for a few epochs on one seed must classify images of another seed at >= 90%.
/// </summary>
public sealed class SyntheticShapesLearnabilityTests
{
    [Fact]
    public void SmallCnn_ThreeEpochsOnDefaultShapes_ReachesNinetyPercentTestAccuracy()
    {
        torch.manual_seed(1);
        var (trainX, trainY) = Tensors(new SyntheticShapesOptions(Seed: 100, Count: 3000));
        var (testX, testY) = Tensors(new SyntheticShapesOptions(Seed: 200, Count: 1000));
        using var model = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 8 * 8, 64), nn.ReLU(), nn.Linear(64, 4));
        // AdamW without weight decay is Adam; the held-Scalar step keeps this long loop clear of ADR 0045's race.
        using var optimizer = new HeldScalarAdamW([new TorchSharp.Modules.AdamW.ParamGroup { Parameters = model.parameters().ToList() }], 0.003, 0);

        for (var epoch = 0; epoch < 3; epoch++)
        {
            using var order = torch.randperm(trainX.shape[0]);
            for (long start = 0; start < trainX.shape[0]; start += 64)
            {
                using var scope = torch.NewDisposeScope();
                var batch = order.narrow(0, start, Math.Min(64, trainX.shape[0] - start));
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.forward(trainX.index_select(0, batch)), trainY.index_select(0, batch));
                loss.backward();
                optimizer.step();
            }
        }

        model.eval();
        using var noGrad = torch.no_grad();
        using var predicted = model.forward(testX).argmax(1);
        var accuracy = predicted.eq(testY).to(ScalarType.Float32).mean().item<float>();
        TestContext.Current.TestOutputHelper?.WriteLine($"test accuracy {accuracy:0.000}");
        accuracy.ShouldBeGreaterThanOrEqualTo(0.9f);
    }

    private static (Tensor X, Tensor Y) Tensors(SyntheticShapesOptions options)
    {
        var images = new SyntheticShapes(options).Generate().ToList();
        var classes = options.EffectiveClasses.ToList();
        var n = options.ImageSize;
        var pixels = new float[images.Count * 3 * n * n];
        for (var i = 0; i < images.Count; i++)
        {
            var source = images[i].Image.Pixels;
            for (var p = 0; p < n * n; p++)
            {
                for (var c = 0; c < 3; c++)
                {
                    pixels[(((i * 3) + c) * n * n) + p] = (source[(3 * p) + c] / 255f - 0.5f) / 0.25f;
                }
            }
        }

        var labels = images.Select(i => (long)classes.IndexOf(i.Label)).ToArray();
        return (torch.tensor(pixels, [images.Count, 3, n, n]), torch.tensor(labels));
    }
}
