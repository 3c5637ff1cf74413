using System.Text.Json;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Tests.Data;
using Orchestrator.Ml.Weights;
using static TorchSharp.torch;
using PyTorchPickler = TorchSharp.PyBridge.PyTorchPickler;

namespace Orchestrator.Ml.Tests.Weights;

public sealed class BaseModelImporterTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly IReadOnlyList<WeightTensor> basic = Safetensors.Read(TorchvisionFixtures.SharedFile(TorchvisionFixtures.Basic)).Tensors;

    [Fact]
    public void Import_ShardedSafetensors_SameDigestAndWeightsAsTheSingleFile()
    {
        var single = BaseModelImporter.Import(TorchvisionFixtures.SharedFile(TorchvisionFixtures.Basic), TorchvisionFixtures.BasicSpec);
        var index = WriteShards(basic, shards: 3);

        var sharded = BaseModelImporter.Import(index, TorchvisionFixtures.BasicSpec);

        sharded.Format.ShouldBe(WeightsFormat.ShardedSafetensors);
        sharded.Files.Select(f => f.Name).ShouldBe(["model.safetensors.index.json", "model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"]);
        sharded.Digest.ShouldBe(single.Digest);
        sharded.KeyCount.ShouldBe(single.KeyCount);
        LogitsOf(sharded).ShouldBe(LogitsOf(single));
    }

    [Fact]
    public void Import_Float32PyTorchStateDict_ReproducesTorchvisionLogits()
    {
        var expected = TorchvisionFixtures.SharedLogits(TorchvisionFixtures.Basic, out _);
        var path = WritePyTorch(basic.Select(t => t.IsFloatingPoint ? Convert(t, WeightDtype.F32) : t), "basic-f32.pth");

        var imported = BaseModelImporter.Import(path, TorchvisionFixtures.BasicSpec);

        imported.Format.ShouldBe(WeightsFormat.PyTorch);
        imported.StoredTypes.ShouldBe([WeightDtype.F32]);
        using var model = imported.CreateModel();
        using var noGrad = no_grad();
        using var input = TorchvisionFixtures.FormulaInput(64);
        using var logits = model.call(input);
        TorchvisionFixtures.MaxAbsDifference(expected, logits).ShouldBeLessThanOrEqualTo(1e-4);
    }

    [Fact]
    public void Import_SameTensorsAsPtOrSafetensors_SameDigest()
    {
        var fromSafetensors = BaseModelImporter.Import(TorchvisionFixtures.SharedFile(TorchvisionFixtures.Basic), TorchvisionFixtures.BasicSpec);

        var fromPt = BaseModelImporter.Import(WritePyTorch(basic, "basic-f16.pt"), TorchvisionFixtures.BasicSpec);

        fromPt.StoredTypes.ShouldBe([WeightDtype.F16]);
        fromPt.Digest.ShouldBe(fromSafetensors.Digest);
        fromPt.Files.Single().Digest.ShouldNotBe(fromSafetensors.Files.Single().Digest);
    }

    [Fact]
    public void Import_CanonicalBytes_ImportAgainToTheSameWeights()
    {
        var imported = BaseModelImporter.Import(TorchvisionFixtures.MobileNetFile, "mobilenet_v3_small");

        var again = BaseModelImporter.Import(imported.Canonical, imported.Architecture);

        again.Digest.ShouldBe(imported.Digest);
        again.Files.Single().Digest.ShouldBe(imported.Digest);
        LogitsOf(again).ShouldBe(LogitsOf(imported));
    }

    [Fact]
    public void Import_OtherBlockKind_RefusedNamingTheFirstWrongShape()
    {
        var e = Should.Throw<WeightsMismatchException>(() =>
            BaseModelImporter.Import(TorchvisionFixtures.SharedFile(TorchvisionFixtures.Basic), TorchvisionFixtures.BottleneckSpec));

        e.Key.ShouldBe("layer1.0.conv1.weight");
        e.Problem.ShouldBe(WeightsProblem.WrongShape);
        e.Message.ShouldContain("'layer1.0.conv1.weight' of shape [64,64,3,3]");
        e.Message.ShouldContain("[16,64,1,1]");
    }

    [Fact]
    public void Import_ShallowerCheckpointForResNet18_RefusedNamingTheFirstMissingKey()
    {
        var e = Should.Throw<WeightsMismatchException>(() => BaseModelImporter.Import(TorchvisionFixtures.SharedFile(TorchvisionFixtures.Basic), "resnet18"));

        e.Key.ShouldBe("layer1.1.conv1.weight");
        e.Problem.ShouldBe(WeightsProblem.MissingKey);
        e.Message.ShouldContain("has no 'layer1.1.conv1.weight', which resnet18 needs");
    }

    [Fact]
    public void Import_MissingRunningVariance_RefusedNamingIt()
    {
        var path = WriteSafetensors(basic.Where(t => t.Name != "layer2.0.bn1.running_var"), "missing.safetensors");

        var e = Should.Throw<WeightsMismatchException>(() => BaseModelImporter.Import(path, TorchvisionFixtures.BasicSpec));

        e.Key.ShouldBe("layer2.0.bn1.running_var");
        e.Problem.ShouldBe(WeightsProblem.MissingKey);
        e.ProblemCount.ShouldBe(1);
        e.Message.ShouldContain("'layer2.0.bn1.running_var'");
    }

    [Fact]
    public void Import_MissingBatchCounter_RefusedNamingIt()
    {
        var path = WriteSafetensors(basic.Where(t => t.Name != "layer4.0.downsample.1.num_batches_tracked"), "no-counter.safetensors");

        var e = Should.Throw<WeightsMismatchException>(() => BaseModelImporter.Import(path, TorchvisionFixtures.BasicSpec));

        e.Key.ShouldBe("layer4.0.downsample.1.num_batches_tracked");
        e.Problem.ShouldBe(WeightsProblem.MissingKey);
    }

    [Fact]
    public void Import_WrongShapeSameElementCount_RefusedNamingIt()
    {
        var reshaped = basic.Select(t => t.Name == "layer3.0.conv2.weight" ? t with { Shape = [256, 256, 1, 9] } : t);
        var path = WriteSafetensors(reshaped, "reshaped.safetensors");

        var e = Should.Throw<WeightsMismatchException>(() => BaseModelImporter.Import(path, TorchvisionFixtures.BasicSpec));

        e.Key.ShouldBe("layer3.0.conv2.weight");
        e.Problem.ShouldBe(WeightsProblem.WrongShape);
        e.Message.ShouldContain("[256,256,1,9]");
    }

    [Fact]
    public void Import_UnexpectedKey_RefusedNamingIt()
    {
        var extra = new WeightTensor("layer4.0.bn3.weight", WeightDtype.F16, [512], new byte[1024]);
        var path = WriteSafetensors(basic.Append(extra), "extra.safetensors");

        var e = Should.Throw<WeightsMismatchException>(() => BaseModelImporter.Import(path, TorchvisionFixtures.BasicSpec));

        e.Key.ShouldBe("layer4.0.bn3.weight");
        e.Problem.ShouldBe(WeightsProblem.UnexpectedKey);
        e.Message.ShouldContain("has 'layer4.0.bn3.weight' (F16 [512]), which");
    }

    [Fact]
    public void Import_HeadWithOtherFeatureSize_RefusedEvenThoughHeadsMayChange()
    {
        var narrow = basic.Select(t => t.Name == "fc.weight" ? new WeightTensor("fc.weight", WeightDtype.F16, [5, 256], new byte[5 * 256 * 2]) : t);
        var path = WriteSafetensors(narrow, "narrow-head.safetensors");

        var e = Should.Throw<WeightsMismatchException>(() => BaseModelImporter.Import(path, TorchvisionFixtures.BasicSpec with { NumClasses = 9 }));

        e.Key.ShouldBe("fc.weight");
        e.Problem.ShouldBe(WeightsProblem.WrongShape);
    }

    [Fact]
    public void Import_CounterStoredAsFloat_RefusedNamingIt()
    {
        var floats = basic.Select(t => t.Name == "bn1.num_batches_tracked" ? new WeightTensor(t.Name, WeightDtype.F32, [], new byte[4]) : t);
        var path = WriteSafetensors(floats, "float-counter.safetensors");

        var e = Should.Throw<WeightsMismatchException>(() => BaseModelImporter.Import(path, TorchvisionFixtures.BasicSpec));

        e.Key.ShouldBe("bn1.num_batches_tracked");
        e.Problem.ShouldBe(WeightsProblem.WrongType);
    }

    [Fact]
    public void Import_OtherClassCount_ReplacesTheHeadKeepsTheBackboneAndRecordsIt()
    {
        var original = BaseModelImporter.Import(TorchvisionFixtures.SharedFile(TorchvisionFixtures.Basic), TorchvisionFixtures.BasicSpec);

        var imported = BaseModelImporter.Import(TorchvisionFixtures.SharedFile(TorchvisionFixtures.Basic), TorchvisionFixtures.BasicSpec with { NumClasses = 7 }, new ImportOptions { HeadSeed = 3 });

        imported.Head.ShouldBe(new HeadReplacement(5, 7, 3, ["fc.weight", "fc.bias"]), new HeadComparer());
        imported.Digest.ShouldBe(original.Digest);
        imported.Describe()["head"].ShouldBe("replaced: 5 -> 7 classes, seed 3, keys fc.weight,fc.bias");
        using var model = imported.CreateModel();
        using var source = original.CreateModel();
        var weights = source.state_dict();
        foreach (var (key, value) in model.state_dict())
        {
            if (key.StartsWith("fc.", StringComparison.Ordinal))
            {
                value.shape[0].ShouldBe(7);
            }
            else
            {
                Same(value, weights[key]).ShouldBeTrue(key);
            }
        }
    }

    [Fact]
    public void CreateModel_ReplacedHead_IsDrawnFromItsSeed()
    {
        var spec = TorchvisionFixtures.BasicSpec with { NumClasses = 3 };
        var path = TorchvisionFixtures.SharedFile(TorchvisionFixtures.Basic);
        using var first = BaseModelImporter.Import(path, spec, new ImportOptions { HeadSeed = 1 }).CreateModel();
        using var again = BaseModelImporter.Import(path, spec, new ImportOptions { HeadSeed = 1 }).CreateModel();
        using var other = BaseModelImporter.Import(path, spec, new ImportOptions { HeadSeed = 2 }).CreateModel();

        var head = first.state_dict()["fc.weight"];

        Same(head, again.state_dict()["fc.weight"]).ShouldBeTrue();
        Same(head, other.state_dict()["fc.weight"]).ShouldBeFalse();
        head.abs().max().item<float>().ShouldBeLessThanOrEqualTo((float)(1 / Math.Sqrt(512)));
    }

    [Fact]
    public void Import_ReplaceHeadWithSameClassCount_ReinitialisesClassifierThree()
    {
        var kept = BaseModelImporter.Import(TorchvisionFixtures.MobileNetFile, "mobilenet_v3_small");

        var replaced = BaseModelImporter.Import(TorchvisionFixtures.MobileNetFile, "mobilenet_v3_small", 5, new ImportOptions { ReplaceHead = true });

        replaced.Head!.Keys.ShouldBe(["classifier.3.weight", "classifier.3.bias"]);
        replaced.Head.SourceClasses.ShouldBe(5);
        using var a = kept.CreateModel();
        using var b = replaced.CreateModel();
        Same(a.state_dict()["classifier.0.weight"], b.state_dict()["classifier.0.weight"]).ShouldBeTrue();
        Same(a.state_dict()["classifier.3.weight"], b.state_dict()["classifier.3.weight"]).ShouldBeFalse();
        b.state_dict()["classifier.3.bias"].abs().sum().item<float>().ShouldBe(0f);
    }

    [Fact]
    public void Import_UnknownArchitectureName_ListsTheKnownOnes()
    {
        var e = Should.Throw<ArgumentException>(() => BaseModelImporter.Import(TorchvisionFixtures.MobileNetFile, "resnet19"));

        e.Message.ShouldContain("Unknown architecture 'resnet19'");
        e.Message.ShouldContain("mobilenet_v3_small");
    }

    public void Dispose() => directory.Dispose();

    private static float[] LogitsOf(ImportedWeights weights)
    {
        using var model = weights.CreateModel();
        using var noGrad = no_grad();
        using var input = TorchvisionFixtures.FormulaInput(64);
        using var logits = model.call(input);
        return logits.data<float>().ToArray();
    }

    private static bool Same(Tensor a, Tensor b)
    {
        using var x = a.to_type(ScalarType.Float64);
        using var y = b.to_type(ScalarType.Float64);
        return x.allclose(y, 0, 0);
    }

    private static WeightTensor Convert(WeightTensor tensor, WeightDtype dtype)
    {
        using var converted = tensor.ToTensor(WeightTensor.ToScalarType(dtype));
        return tensor with { Dtype = dtype, Data = converted.bytes.ToArray() };
    }

    private string WriteSafetensors(IEnumerable<WeightTensor> tensors, string name) => directory.Write(name, Safetensors.Write(tensors));

    private string WritePyTorch(IEnumerable<WeightTensor> tensors, string name)
    {
        var path = Path.Combine(directory.Path, name);
        var state = tensors.ToDictionary(t => t.Name, t => t.ToTensor(WeightTensor.ToScalarType(t.Dtype)));
        try
        {
            PyTorchPickler.PickleStateDict(path, state);
        }
        finally
        {
            foreach (var tensor in state.Values)
            {
                tensor.Dispose();
            }
        }

        return path;
    }

    // The layout transformers' hubs write: numbered shards and an index whose weight_map names each tensor's shard.
    private string WriteShards(IReadOnlyList<WeightTensor> tensors, int shards)
    {
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var s = 0; s < shards; s++)
        {
            var name = $"model-{s + 1:00000}-of-{shards:00000}.safetensors";
            var part = tensors.Where((_, i) => i % shards == s).ToList();
            directory.Write(name, Safetensors.Write(part));
            part.ForEach(t => map[t.Name] = name);
        }

        var index = new { metadata = new { total_size = tensors.Sum(t => t.Data.Length) }, weight_map = map };
        return directory.Write("model.safetensors.index.json", JsonSerializer.SerializeToUtf8Bytes(index));
    }

    private sealed class HeadComparer : IEqualityComparer<HeadReplacement?>
    {
        public bool Equals(HeadReplacement? x, HeadReplacement? y) =>
            x is not null && y is not null && x with { Keys = [] } == y with { Keys = [] } && x.Keys.SequenceEqual(y.Keys);

        public int GetHashCode(HeadReplacement? obj) => 0;
    }
}
