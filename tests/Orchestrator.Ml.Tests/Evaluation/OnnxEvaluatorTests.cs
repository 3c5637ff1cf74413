using Orchestrator.Ml.Evaluation;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Onnx;
using Orchestrator.Ml.Tests.Training;
using Orchestrator.Ml.Training;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Tests.Evaluation;

public sealed class OnnxEvaluatorTests
{
    private static readonly Preprocessing Centered = Preprocessing.Centered(32);
    private static readonly LabeledImage[] Images = ShapeImages.Generate(70, seed: 9);

    private static (ResNet Model, byte[] Onnx) Exported()
    {
        var model = new ResNet(new ModelSpec(Architecture.ResNet32, NumClasses: 4, Width: 4, Stages: 2));
        model.eval();
        return (model, ResNetOnnxExporter.Export(model, Centered, ShapeImages.Classes));
    }

    [Fact]
    public void Evaluate_PartialLastBatch_MatchesTorchSharpProbabilities()
    {
        var (model, onnx) = Exported();
        using var _ = model;
        using var evaluator = new OnnxEvaluator(onnx);

        var predictions = evaluator.Evaluate(Images, batchSize: 32, cancellationToken: TestContext.Current.CancellationToken);

        var preprocessor = new ImagePreprocessor(Centered);
        var input = new float[Images.Length * preprocessor.ValuesPerImage];
        for (var i = 0; i < Images.Length; i++)
        {
            preprocessor.Write(Images[i], input.AsSpan(i * preprocessor.ValuesPerImage, preprocessor.ValuesPerImage), AugmentationOptions.None, null);
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var expected = nn.functional.softmax(model.call(tensor(input, [Images.Length, 3, 32, 32])), 1).data<float>().ToArray();
        predictions.Count.ShouldBe(70);
        predictions.Labels.ShouldBe(Images.Select(i => i.Label));
        for (var i = 0; i < expected.Length; i++)
        {
            predictions.Row(i / 4)[i % 4].ShouldBe(expected[i], 1e-5);
        }
    }

    [Fact]
    public void Evaluate_BatchSizeOneAndThirtyTwo_SamePredictions()
    {
        var (model, onnx) = Exported();
        using var _ = model;
        using var evaluator = new OnnxEvaluator(onnx);

        var one = evaluator.Evaluate(Images, batchSize: 1, cancellationToken: TestContext.Current.CancellationToken);
        var many = evaluator.Evaluate(Images, batchSize: 32, cancellationToken: TestContext.Current.CancellationToken);

        one.Predicted.ShouldBe(many.Predicted);
    }

    [Fact]
    public void Robustness_DarkenedImages_ReportsEachPerturbationAgainstClean()
    {
        var (model, onnx) = Exported();
        using var _ = model;
        using var evaluator = new OnnxEvaluator(onnx);
        var clean = evaluator.Evaluate(Images, cancellationToken: TestContext.Current.CancellationToken);
        var cleanAccuracy = ClassificationMetrics.Compute(clean).Accuracy;

        var results = RobustnessCheck.Run(evaluator, Images, cleanAccuracy, cancellationToken: TestContext.Current.CancellationToken);

        results.Select(r => r.Perturbation).ShouldBe(["brightness-0.5", "brightness-1.5", "blur-1", "noise-20"]);
        results.ShouldAllBe(r => Math.Abs(r.Drop - (cleanAccuracy - r.Accuracy)) < 1e-12);
        var identity = RobustnessCheck.Run(evaluator, Images, cleanAccuracy, [new BrightnessPerturbation(1.0)], cancellationToken: TestContext.Current.CancellationToken);
        identity.ShouldHaveSingleItem().Drop.ShouldBe(0);
    }
}
