using static TorchSharp.torch;

namespace Orchestrator.Ml.Weights;

/// <summary>The element types a weights file can hold, by their safetensors names.</summary>
public enum WeightDtype
{
    F64,
    F32,
    F16,
    BF16,
    I64,
    I32,
    I16,
    I8,
    U8,
    Bool,
}

/// <summary>
/// One named tensor as a weights file stores it: element type, shape and the raw little-endian bytes
/// (row-major, contiguous). Independent of TorchSharp until <see cref="ToTensor"/>.
/// </summary>
public sealed record WeightTensor(string Name, WeightDtype Dtype, IReadOnlyList<long> Shape, ReadOnlyMemory<byte> Data)
{
    /// <summary>Number of elements (1 for a scalar of shape []).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => checked(a * b));

    /// <summary>Whether the elements are floating point (the weights), not integers (e.g. num_batches_tracked).</summary>
    public bool IsFloatingPoint => Dtype is WeightDtype.F64 or WeightDtype.F32 or WeightDtype.F16 or WeightDtype.BF16;

    /// <summary>The shape as "[a,b,c]", as error messages print it.</summary>
    public string ShapeText => Format(Shape);

    /// <summary>Bytes per element of <paramref name="dtype"/>.</summary>
    public static int ElementSize(WeightDtype dtype) => dtype switch
    {
        WeightDtype.F64 or WeightDtype.I64 => 8,
        WeightDtype.F32 or WeightDtype.I32 => 4,
        WeightDtype.F16 or WeightDtype.BF16 or WeightDtype.I16 => 2,
        WeightDtype.I8 or WeightDtype.U8 or WeightDtype.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown element type."),
    };

    /// <summary>The TorchSharp element type of <paramref name="dtype"/>.</summary>
    public static ScalarType ToScalarType(WeightDtype dtype) => dtype switch
    {
        WeightDtype.F64 => ScalarType.Float64,
        WeightDtype.F32 => ScalarType.Float32,
        WeightDtype.F16 => ScalarType.Float16,
        WeightDtype.BF16 => ScalarType.BFloat16,
        WeightDtype.I64 => ScalarType.Int64,
        WeightDtype.I32 => ScalarType.Int32,
        WeightDtype.I16 => ScalarType.Int16,
        WeightDtype.I8 => ScalarType.Int8,
        WeightDtype.U8 => ScalarType.Byte,
        WeightDtype.Bool => ScalarType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown element type."),
    };

    /// <summary>The element type of a TorchSharp tensor, or an error naming it for types a weights file cannot hold.</summary>
    public static WeightDtype FromScalarType(ScalarType type, string name) => type switch
    {
        ScalarType.Float64 => WeightDtype.F64,
        ScalarType.Float32 => WeightDtype.F32,
        ScalarType.Float16 => WeightDtype.F16,
        ScalarType.BFloat16 => WeightDtype.BF16,
        ScalarType.Int64 => WeightDtype.I64,
        ScalarType.Int32 => WeightDtype.I32,
        ScalarType.Int16 => WeightDtype.I16,
        ScalarType.Int8 => WeightDtype.I8,
        ScalarType.Byte => WeightDtype.U8,
        ScalarType.Bool => WeightDtype.Bool,
        _ => throw new InvalidDataException($"Tensor '{name}' has element type {type}, which is not a weight type."),
    };

    /// <summary>A CPU tensor holding a copy of the data, converted to <paramref name="type"/>.</summary>
    public Tensor ToTensor(ScalarType type)
    {
        using var stored = empty([.. Shape], ToScalarType(Dtype));
        Data.Span.CopyTo(stored.bytes);
        return stored.to_type(type, copy: true);
    }

    /// <summary>Throws unless the data holds exactly the elements the shape describes.</summary>
    public void Validate()
    {
        if (Shape.Any(d => d < 0))
        {
            throw new InvalidDataException($"Tensor '{Name}' has a negative dimension in {ShapeText}.");
        }

        var expected = checked(ElementCount * ElementSize(Dtype));
        if (Data.Length != expected)
        {
            throw new InvalidDataException($"Tensor '{Name}' ({Dtype} {ShapeText}) has {Data.Length} bytes; {expected} expected.");
        }
    }

    internal static string Format(IEnumerable<long> shape) => $"[{string.Join(',', shape)}]";
}
