using Orchestrator.Ml.Data;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Weights;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Tests.Weights;

/// <summary>
/// The acceptance check of the importer: checkpoints written by torchvision itself, imported as they are,
/// give the logits torchvision computed, to 1e-4.
/// </summary>
public sealed class TorchvisionReferenceTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    [Fact]
    public void Import_SharedBasicBlockFixture_ReproducesTorchvisionLogits()
    {
        var expected = TorchvisionFixtures.SharedLogits(TorchvisionFixtures.Basic, out var elements);

        var imported = BaseModelImporter.Import(TorchvisionFixtures.SharedFile(TorchvisionFixtures.Basic), TorchvisionFixtures.BasicSpec);

        imported.ElementCount.ShouldBe(elements);
        ShouldReproduce(imported, expected, TorchvisionFixtures.Basic);
    }

    [Fact]
    public void Import_SharedBottleneckFixture_ReproducesTorchvisionLogits()
    {
        var expected = TorchvisionFixtures.SharedLogits(TorchvisionFixtures.Bottleneck, out var elements);

        var imported = BaseModelImporter.Import(TorchvisionFixtures.SharedFile(TorchvisionFixtures.Bottleneck), TorchvisionFixtures.BottleneckSpec);

        imported.ElementCount.ShouldBe(elements);
        ShouldReproduce(imported, expected, TorchvisionFixtures.Bottleneck);
    }

    [Fact]
    public void Import_TorchSavedMobileNetV3SmallFloat16_ReproducesTorchvisionLogits()
    {
        var expected = TorchvisionFixtures.MobileNetLogits(out var parameters);

        var imported = BaseModelImporter.Import(TorchvisionFixtures.MobileNetFile, "mobilenet_v3_small");

        imported.Format.ShouldBe(WeightsFormat.PyTorch);
        imported.Architecture.ShouldBe(ModelCatalog.Spec("mobilenet_v3_small", 5));
        imported.StoredTypes.ShouldBe([WeightDtype.F16]);
        imported.ParameterCount.ShouldBe(parameters);
        ShouldReproduce(imported, expected, "tv-mobilenet_v3_small (torch.save, float16)", inputSize: 64);
    }

    [Fact]
    public void Import_SharedFixture_RecordsFormatTypesKeysAndDigests()
    {
        var path = TorchvisionFixtures.SharedFile(TorchvisionFixtures.Basic);

        var imported = BaseModelImporter.Import(path, TorchvisionFixtures.BasicSpec);

        imported.Format.ShouldBe(WeightsFormat.Safetensors);
        imported.StoredTypes.ShouldBe([WeightDtype.F16]);
        imported.KeyCount.ShouldBe(74);
        imported.Head.ShouldBeNull();
        imported.SourceClasses.ShouldBe(5);
        imported.Files.ShouldBe([new WeightsSourceFile(Path.GetFileName(path), Contracts.Digest.Of(File.ReadAllBytes(path)).ToString(), new FileInfo(path).Length)]);
        imported.Digest.ShouldBe(Contracts.Digest.Of(imported.Canonical.Span).ToString());
        imported.Preprocessing.ToMetadata().ShouldBe(Preprocessing.TorchvisionImageNet(64).ToMetadata());
        imported.Preprocessing.ResizeShorterSide.ShouldBe(73);
        imported.Describe()["digest"].ShouldBe(imported.Digest);
    }

    private void ShouldReproduce(ImportedWeights imported, float[,] expected, string name, int inputSize = 64)
    {
        using var model = imported.CreateModel();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();

        var logits = model.call(TorchvisionFixtures.FormulaInput(inputSize));

        var difference = TorchvisionFixtures.MaxAbsDifference(expected, logits);
        output.WriteLine($"{name}: max |logit - torchvision| = {difference:E2} (tolerance {Tolerance:E0})");
        difference.ShouldBeLessThanOrEqualTo(Tolerance);
    }
}
