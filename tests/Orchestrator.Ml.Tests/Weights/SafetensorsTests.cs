using System.Buffers.Binary;
using System.Text;
using Orchestrator.Ml.Weights;

namespace Orchestrator.Ml.Tests.Weights;

public sealed class SafetensorsTests
{
    private static readonly WeightTensor[] Tensors =
    [
        new("b.weight", WeightDtype.F16, [2, 3], Enumerable.Range(0, 12).Select(i => (byte)i).ToArray()),
        new("a.count", WeightDtype.I64, [], BitConverter.GetBytes(7L)),
        new("c.empty", WeightDtype.F32, [0], Array.Empty<byte>()),
    ];

    [Fact]
    public void Write_ThenRead_SameTensorsSortedByName()
    {
        var bytes = Safetensors.Write(Tensors);

        var content = Safetensors.Read(bytes, "t");

        content.Tensors.Select(t => t.Name).ShouldBe(["a.count", "b.weight", "c.empty"]);
        var weight = content.Tensors[1];
        weight.Dtype.ShouldBe(WeightDtype.F16);
        weight.Shape.ShouldBe([2L, 3L]);
        weight.Data.ToArray().ShouldBe(Tensors[0].Data.ToArray());
        content.Tensors[0].Shape.ShouldBeEmpty();
        BitConverter.ToInt64(content.Tensors[0].Data.Span).ShouldBe(7);
        content.Metadata.ShouldBeEmpty();
    }

    [Fact]
    public void Write_AnyInputOrder_SameBytes()
    {
        Safetensors.Write(Tensors.Reverse()).ShouldBe(Safetensors.Write(Tensors));
    }

    [Fact]
    public void Write_Header_IsPaddedToEightBytes()
    {
        var bytes = Safetensors.Write(Tensors);

        (BinaryPrimitives.ReadUInt64LittleEndian(bytes) % 8).ShouldBe(0UL);
    }

    [Fact]
    public void Read_MetadataStrings_AreKept()
    {
        var bytes = File("""{"__metadata__":{"format":"pt"},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4);

        Safetensors.Read(bytes, "m").Metadata["format"].ShouldBe("pt");
    }

    [Theory]
    [InlineData("""{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""", 4, "has 4 bytes; 8 expected")]
    [InlineData("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}""", 4, "places 'x' at bytes [0,8) of a 4-byte data section")]
    [InlineData("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"y":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}""", 6, "overlaps 'y'")]
    [InlineData("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "leaves bytes [0,4) before 'x' unindexed")]
    [InlineData("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 6, "leaves bytes [4,6) after the last tensor unindexed")]
    [InlineData("""{"x":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}""", 8, "stores 'x' as C64")]
    [InlineData("""{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", 4, "malformed shape")]
    [InlineData("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4, "names 'x' twice")]
    [InlineData("""{"x":{"dtype":"F32"}}""", 0, "malformed entry for 'x'")]
    [InlineData("""[1,2]""", 0, "not a JSON object")]
    public void Read_DamagedFile_RefusedSayingWhy(string header, int dataLength, string problem)
    {
        var e = Should.Throw<InvalidDataException>(() => Safetensors.Read(File(header, dataLength), "damaged.safetensors"));

        e.Message.ShouldContain("damaged.safetensors");
        e.Message.ShouldContain(problem);
    }

    [Fact]
    public void Read_HeaderLongerThanFile_Refused()
    {
        var bytes = File("""{}""", 0);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1000);

        Should.Throw<InvalidDataException>(() => Safetensors.Read(bytes, "short")).Message.ShouldContain("declares a 1000-byte header");
    }

    [Fact]
    public void Read_TooShort_Refused()
    {
        Should.Throw<InvalidDataException>(() => Safetensors.Read(new byte[5], "tiny")).Message.ShouldContain("shorter than the 8-byte header length");
    }

    private static byte[] File(string header, int dataLength)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataLength];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        return bytes;
    }
}
