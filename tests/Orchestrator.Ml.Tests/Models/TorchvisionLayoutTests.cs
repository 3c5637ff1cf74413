using System.Text.Json;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Tests.Weights;

namespace Orchestrator.Ml.Tests.Models;

public sealed class TorchvisionLayoutTests
{
    public static TheoryData<string> Names => ["resnet18", "resnet34", "resnet50", "mobilenet_v3_small"];

    [Theory]
    [MemberData(nameof(Names))]
    public void StateDict_CatalogueArchitecture_HasTorchvisionKeysAndShapes(string name)
    {
        var expected = TorchvisionKeys(name);
        using var model = ImageClassifier.Create(ModelCatalog.Spec(name, 1000));

        // TorchSharp lists parameters before buffers, PyTorch interleaves them per module: the sets must be equal.
        var actual = model.state_dict().Select(p => $"{p.Key} [{string.Join(',', p.Value.shape)}]").Order(StringComparer.Ordinal).ToList();

        actual.Count.ShouldBe(expected.Count);
        actual.Except(expected).ShouldBeEmpty();
        expected.Except(actual).ShouldBeEmpty();
    }

    [Fact]
    public void StateDict_BatchNormCounters_AreInt64Scalars()
    {
        using var model = ImageClassifier.Create(ModelCatalog.Spec("resnet18", 10));

        var counters = model.state_dict().Where(p => p.Key.EndsWith(".num_batches_tracked", StringComparison.Ordinal)).ToList();

        counters.Count.ShouldBe(20);
        counters.ShouldAllBe(p => p.Value.dtype == TorchSharp.torch.ScalarType.Int64 && p.Value.shape.Length == 0);
    }

    [Theory]
    [InlineData("resnet18", "fc.")]
    [InlineData("resnet50", "fc.")]
    [InlineData("mobilenet_v3_small", "classifier.3.")]
    [InlineData("resnet-tiny", "head.")]
    public void HeadParameters_EachArchitecture_AreTheClassDependentLayer(string name, string prefix)
    {
        using var model = ImageClassifier.Create(ModelCatalog.Spec(name, 7));

        var head = model.named_parameters().Where(p => model.IsHeadKey(p.name)).Select(p => p.name).ToList();

        head.ShouldBe([prefix + "weight", prefix + "bias"]);
        model.HeadParameters().Sum(p => p.numel()).ShouldBe(7 * (model.Spec.FeatureSize + 1));
        model.BackboneParameters().Count().ShouldBe(model.parameters().Count() - 2);
    }

    private static List<string> TorchvisionKeys(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TorchvisionFixtures.LocalDirectory, "torchvision-keys.json")));
        return document.RootElement.GetProperty("models").GetProperty(name).EnumerateArray()
            .Select(e => $"{e[0].GetString()} [{string.Join(',', e[1].EnumerateArray().Select(d => d.GetInt64()))}]")
            .ToList();
    }
}
