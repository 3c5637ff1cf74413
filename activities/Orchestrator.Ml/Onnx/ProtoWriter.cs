using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Orchestrator.Ml.Onnx;

/// <summary>
/// The protobuf wire format, as far as ONNX's ModelProto needs it: varints, 32-bit floats and
/// length-delimited fields. Nested messages are encoded into their own writer and then copied in with
/// their length, which is simple and fast enough for models of a few hundred megabytes.
/// </summary>
internal sealed class ProtoWriter
{
    private const int Varint = 0;
    private const int Fixed32 = 5;
    private const int LengthDelimited = 2;

    private readonly ArrayBufferWriter<byte> buffer = new(256);

    public long Length => buffer.WrittenCount;

    public void Int64(int field, long value)
    {
        Tag(field, Varint);
        WriteVarint(unchecked((ulong)value));
    }

    public void Float(int field, float value)
    {
        Tag(field, Fixed32);
        BinaryPrimitives.WriteSingleLittleEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }

    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, LengthDelimited);
        WriteVarint((ulong)value.Length);
        buffer.Write(value);
    }

    /// <summary>Raw little-endian float data (TensorProto.raw_data); x86-64 and ARM64 are little-endian.</summary>
    public void Floats(int field, ReadOnlySpan<float> values) => Bytes(field, MemoryMarshal.AsBytes(values));

    /// <summary>A packed repeated int64 field.</summary>
    public void PackedInt64(int field, IReadOnlyList<long> values)
    {
        var inner = new ProtoWriter();
        foreach (var v in values)
        {
            inner.WriteVarint(unchecked((ulong)v));
        }

        Bytes(field, inner.ToArray());
    }

    public void Message(int field, Action<ProtoWriter> write)
    {
        var inner = new ProtoWriter();
        write(inner);
        Tag(field, LengthDelimited);
        WriteVarint((ulong)inner.Length);
        buffer.Write(inner.buffer.WrittenSpan);
    }

    public byte[] ToArray() => buffer.WrittenSpan.ToArray();

    public void CopyTo(Stream destination)
    {
        destination.Write(buffer.WrittenSpan);
    }

    private void Tag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        WriteByte((byte)value);
    }

    private void WriteByte(byte value)
    {
        buffer.GetSpan(1)[0] = value;
        buffer.Advance(1);
    }
}
