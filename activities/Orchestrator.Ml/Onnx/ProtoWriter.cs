using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Orchestrator.Ml.Onnx;

/// <summary>
/// The protobuf wire format, as far as ONNX's ModelProto needs it: varints, 32-bit floats and
/// length-delimited fields. <see cref="Encode"/> runs the writing code twice: once counting bytes, once
/// writing them into an array of exactly that size. A nested message's length prefix comes from counting
/// that message alone, so its content is written in place, never built elsewhere and copied: a model of
/// hundreds of megabytes (ResNet-50's weights) is written once, not once per nesting level.
/// </summary>
internal sealed class ProtoWriter
{
    private const int Varint = 0;
    private const int Fixed32 = 5;
    private const int LengthDelimited = 2;

    // Null while counting.
    private readonly byte[]? buffer;
    private int position;

    private ProtoWriter(byte[]? buffer)
    {
        this.buffer = buffer;
    }

    /// <summary>Bytes counted or written so far.</summary>
    public int Length => position;

    /// <summary>The message <paramref name="write"/> produces, as bytes.</summary>
    public static byte[] Encode(Action<ProtoWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var writer = new ProtoWriter(new byte[Count(write)]);
        write(writer);
        return writer.buffer!;
    }

    public void Int64(int field, long value)
    {
        Tag(field, Varint);
        WriteVarint(unchecked((ulong)value));
    }

    public void Float(int field, float value)
    {
        Tag(field, Fixed32);
        if (buffer is not null)
        {
            BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(position), value);
        }

        position += 4;
    }

    public void String(int field, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        Tag(field, LengthDelimited);
        WriteVarint((ulong)length);
        if (buffer is not null)
        {
            Encoding.UTF8.GetBytes(value, buffer.AsSpan(position, length));
        }

        position = checked(position + length);
    }

    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, LengthDelimited);
        WriteVarint((ulong)value.Length);
        if (buffer is not null)
        {
            value.CopyTo(buffer.AsSpan(position));
        }

        position = checked(position + value.Length);
    }

    /// <summary>Raw little-endian float data (TensorProto.raw_data); x86-64 and ARM64 are little-endian.</summary>
    public void Floats(int field, ReadOnlySpan<float> values) => Bytes(field, MemoryMarshal.AsBytes(values));

    /// <summary>A packed repeated int64 field.</summary>
    public void PackedInt64(int field, IReadOnlyList<long> values)
    {
        var length = values.Sum(v => VarintSize(unchecked((ulong)v)));
        Tag(field, LengthDelimited);
        WriteVarint((ulong)length);
        foreach (var v in values)
        {
            WriteVarint(unchecked((ulong)v));
        }
    }

    public void Message(int field, Action<ProtoWriter> write)
    {
        Tag(field, LengthDelimited);
        WriteVarint((ulong)Count(write));
        write(this);
    }

    private static int Count(Action<ProtoWriter> write)
    {
        var counter = new ProtoWriter(null);
        write(counter);
        return counter.position;
    }

    private static int VarintSize(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    private void Tag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    private void WriteVarint(ulong value)
    {
        if (buffer is null)
        {
            position = checked(position + VarintSize(value));
            return;
        }

        while (value >= 0x80)
        {
            buffer[position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        buffer[position++] = (byte)value;
    }
}
