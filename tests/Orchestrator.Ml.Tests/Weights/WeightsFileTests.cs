using System.Text;
using System.Text.Json;
using Orchestrator.Ml.Tests.Data;
using Orchestrator.Ml.Weights;

namespace Orchestrator.Ml.Tests.Weights;

public sealed class WeightsFileTests : IDisposable
{
    private static readonly WeightTensor A = new("a", WeightDtype.F32, [1], new byte[4]);
    private static readonly WeightTensor B = new("b", WeightDtype.F32, [2], new byte[8]);
    private readonly TempDirectory directory = new();

    [Fact]
    public void Read_ShardedIndex_TensorsOfEveryShard()
    {
        directory.Write("s1.safetensors", Safetensors.Write([A]));
        directory.Write("s2.safetensors", Safetensors.Write([B]));

        var file = WeightsFile.Read(Index(new() { ["a"] = "s1.safetensors", ["b"] = "s2.safetensors" }));

        file.Format.ShouldBe(WeightsFormat.ShardedSafetensors);
        file.Tensors.Select(t => t.Name).Order().ShouldBe(["a", "b"]);
        file.Files.Count.ShouldBe(3);
    }

    [Fact]
    public void Read_ShardOutsideTheIndexDirectory_Refused()
    {
        var e = Should.Throw<InvalidDataException>(() => WeightsFile.Read(Index(new() { ["a"] = "../s1.safetensors" })));

        e.Message.ShouldContain("names shard '../s1.safetensors', which is not a file name beside the index");
    }

    [Fact]
    public void Read_MissingShard_Refused()
    {
        Should.Throw<InvalidDataException>(() => WeightsFile.Read(Index(new() { ["a"] = "gone.safetensors" })))
            .Message.ShouldContain("maps tensors to 'gone.safetensors', which is not beside it");
    }

    [Fact]
    public void Read_ShardHoldsAnUnlistedTensor_RefusedNamingIt()
    {
        directory.Write("s1.safetensors", Safetensors.Write([A, B]));

        Should.Throw<InvalidDataException>(() => WeightsFile.Read(Index(new() { ["a"] = "s1.safetensors" })))
            .Message.ShouldContain("Shard s1.safetensors holds 'b', which model.safetensors.index.json does not list");
    }

    [Fact]
    public void Read_IndexListsATensorItsShardLacks_RefusedNamingIt()
    {
        directory.Write("s1.safetensors", Safetensors.Write([A]));

        Should.Throw<InvalidDataException>(() => WeightsFile.Read(Index(new() { ["a"] = "s1.safetensors", ["b"] = "s1.safetensors" })))
            .Message.ShouldContain("places 'b' in s1.safetensors, which does not hold it");
    }

    [Fact]
    public void Read_TensorInTwoShards_RefusedNamingIt()
    {
        directory.Write("s1.safetensors", Safetensors.Write([A]));
        directory.Write("s2.safetensors", Safetensors.Write([A]));

        Should.Throw<InvalidDataException>(() => WeightsFile.Read(Index(new() { ["a"] = "s1.safetensors", ["x"] = "s2.safetensors" })))
            .Message.ShouldContain("Shard s2.safetensors holds 'a', which model.safetensors.index.json places in s1.safetensors");
    }

    [Fact]
    public void Read_IndexWithoutWeightMap_Refused()
    {
        var path = directory.Write("x.safetensors.index.json", Encoding.UTF8.GetBytes("""{"metadata":{}}"""));

        Should.Throw<InvalidDataException>(() => WeightsFile.Read(path)).Message.ShouldContain("has no weight_map");
    }

    [Fact]
    public void Read_LegacyPickle_RefusedWithAdvice()
    {
        var path = directory.Write("old.pth", [0x80, 0x02, 0x8a, 0x0a]);

        Should.Throw<InvalidDataException>(() => WeightsFile.Read(path)).Message.ShouldContain("legacy (pre-1.6) torch.save format is not supported");
    }

    [Fact]
    public void Read_ZipWithoutPickle_Refused()
    {
        using var zip = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            archive.CreateEntry("readme.txt");
        }

        var path = directory.Write("not-a-model.pt", zip.ToArray());

        Should.Throw<InvalidDataException>(() => WeightsFile.Read(path)).Message.ShouldContain("not-a-model.pt is not a PyTorch state dict");
    }

    [Fact]
    public void Read_NoFile_Throws()
    {
        Should.Throw<FileNotFoundException>(() => WeightsFile.Read(Path.Combine(directory.Path, "none.safetensors")));
    }

    public void Dispose() => directory.Dispose();

    private string Index(Dictionary<string, string> map) =>
        directory.Write("model.safetensors.index.json", JsonSerializer.SerializeToUtf8Bytes(new { metadata = new { total_size = 0 }, weight_map = map }));
}
