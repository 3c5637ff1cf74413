using Microsoft.ML.OnnxRuntime;
using Orchestrator.Ml.Data;
using Orchestrator.Ml.Evaluation;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Onnx;
using Orchestrator.Ml.Serving;
using Orchestrator.Ml.Tests.Weights;
using Orchestrator.Ml.Training;
using Orchestrator.Ml.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Tests.Onnx;

public sealed class TorchvisionOnnxTests(ITestOutputHelper output)
{
    private static readonly string[] Classes = ["a", "b", "c", "d", "e"];

    // Small inputs keep CI fast; the networks are fully convolutional, so the graph is the same at 224.
    [Theory]
    [InlineData("resnet18", 32)]
    [InlineData("resnet34", 32)]
    [InlineData("resnet50", 32)]
    [InlineData("mobilenet_v3_small", 48)]
    public void Export_CatalogueArchitecture_ParityWithin1e4(string name, int size)
    {
        torch.manual_seed(5);
        using var model = ImageClassifier.Create(ModelCatalog.Spec(name, Classes.Length, size));
        WarmUpBatchNorm(model, size);
        SpreadLinearWeights(model);
        var onnx = OnnxExporter.Export(model, Preprocessing.TorchvisionImageNet(size), Classes);
        using var batch = torch.randn(3, 3, size, size);

        var difference = OnnxParity.MaxAbsDifference(model, onnx, batch);

        var largest = LargestLogit(model, batch);
        output.WriteLine($"{name} at {size} px: ONNX parity {difference:E2}, largest |logit| {largest:F3}");
        largest.ShouldBeGreaterThan(0.05, "logits this small would make the parity check vacuous");
        difference.ShouldBeLessThanOrEqualTo(OnnxParity.DefaultTolerance);
    }

    [Theory]
    [InlineData(TorchvisionFixtures.Basic)]
    [InlineData(TorchvisionFixtures.Bottleneck)]
    public void Export_SharedFixture_OnnxRuntimeReproducesTorchvisionLogits(string fixture)
    {
        var spec = fixture == TorchvisionFixtures.Basic ? TorchvisionFixtures.BasicSpec : TorchvisionFixtures.BottleneckSpec;
        var expected = TorchvisionFixtures.SharedLogits(fixture, out _);
        using var model = BaseModelImporter.Import(TorchvisionFixtures.SharedFile(fixture), spec).CreateModel();

        var logits = RunOnnx(OnnxExporter.Export(model, Preprocessing.TorchvisionImageNet(64), Classes), 64);

        var difference = TorchvisionFixtures.MaxAbsDifference(expected, logits);
        output.WriteLine($"{fixture} through ONNX Runtime: max |logit - torchvision| = {difference:E2}");
        difference.ShouldBeLessThanOrEqualTo(1e-4);
    }

    [Fact]
    public void Export_MobileNetFixture_OnnxRuntimeReproducesTorchvisionLogits()
    {
        var expected = TorchvisionFixtures.MobileNetLogits(out _);
        using var model = BaseModelImporter.Import(TorchvisionFixtures.MobileNetFile, TorchvisionFixtures.MobileNetSpec).CreateModel();

        var logits = RunOnnx(OnnxExporter.Export(model, Preprocessing.TorchvisionImageNet(64), Classes), 64);

        var difference = TorchvisionFixtures.MaxAbsDifference(expected, logits);
        output.WriteLine($"mobilenet_v3_small through ONNX Runtime: max |logit - torchvision| = {difference:E2}");
        difference.ShouldBeLessThanOrEqualTo(1e-4);
    }

    [Fact]
    public void Export_ResizeAndCentreCrop_ReachEvaluationAndServingThroughMetadata()
    {
        var preprocessing = Preprocessing.TorchvisionImageNet(64);
        using var model = BaseModelImporter.Import(TorchvisionFixtures.MobileNetFile, TorchvisionFixtures.MobileNetSpec).CreateModel();
        var onnx = OnnxExporter.Export(model, preprocessing, Classes);
        var images = Enumerable.Range(0, 5).Select(i => Image(96 + (8 * i), 80, seed: i)).ToArray();

        using var evaluator = new OnnxEvaluator(onnx);
        var evaluated = evaluator.Evaluate(images, batchSize: 2, cancellationToken: TestContext.Current.CancellationToken);
        using var predictor = new OnnxPredictor(onnx);
        var served = predictor.Predict([.. images.Select(i => new RgbImage(i.Width, i.Height, i.Pixels.ToArray()))]);

        evaluator.Preprocessor.Preprocessing.ResizeShorterSide.ShouldBe(73);
        predictor.Preprocessing.ResizeShorterSide.ShouldBe(73);
        var expected = TorchProbabilities(model, preprocessing, images);
        for (var i = 0; i < expected.Length; i++)
        {
            evaluated.Row(i / Classes.Length)[i % Classes.Length].ShouldBe(expected[i], 1e-5);
            served[i].ShouldBe(expected[i], 1e-5);
        }
    }

    private static float[] TorchProbabilities(ImageClassifier model, Preprocessing preprocessing, LabeledImage[] images)
    {
        var preprocessor = new ImagePreprocessor(preprocessing);
        var input = new float[images.Length * preprocessor.ValuesPerImage];
        for (var i = 0; i < images.Length; i++)
        {
            preprocessor.Write(images[i], input.AsSpan(i * preprocessor.ValuesPerImage, preprocessor.ValuesPerImage), AugmentationOptions.None, null);
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var size = preprocessing.InputSize;
        return nn.functional.softmax(model.call(tensor(input, [images.Length, 3, size, size])), 1).data<float>().ToArray();
    }

    private static Tensor RunOnnx(byte[] onnx, int size)
    {
        using var session = new InferenceSession(onnx);
        using var input = TorchvisionFixtures.FormulaInput(size);
        var values = input.data<float>().ToArray();
        using var value = OrtValue.CreateTensorValueFromMemory(values, [2, 3, size, size]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [OnnxExporter.InputName], [value], [OnnxExporter.OutputName]);
        return tensor(outputs[0].GetTensorDataAsSpan<float>().ToArray(), [2, Classes.Length]);
    }

    private static LabeledImage Image(int width, int height, int seed)
    {
        var pixels = new byte[width * height * 3];
        new Random(seed).NextBytes(pixels);
        return new LabeledImage(width, height, pixels, seed % Classes.Length);
    }

    // MobileNetV3 starts its linear layers at N(0, 0.01) with zero bias, which leaves logits near zero.
    private static void SpreadLinearWeights(ImageClassifier model)
    {
        using var noGrad = torch.no_grad();
        foreach (var linear in model.modules().OfType<TorchSharp.Modules.Linear>())
        {
            nn.init.normal_(linear.weight!, 0, 1 / Math.Sqrt(linear.in_features));
            nn.init.normal_(linear.bias!, 0, 0.1);
        }
    }

    private static double LargestLogit(ImageClassifier model, Tensor batch)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return model.call(batch).abs().max().item<float>();
    }

    // Fresh batch-norm layers hold mean 0 / variance 1; a few training-mode passes give them real
    // statistics so parity also covers the running-mean/variance path.
    private static void WarmUpBatchNorm(ImageClassifier model, int size)
    {
        model.train();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        for (var i = 0; i < 2; i++)
        {
            model.call((torch.rand(4, 3, size, size) * 2) + 0.3);
        }

        model.eval();
    }
}
