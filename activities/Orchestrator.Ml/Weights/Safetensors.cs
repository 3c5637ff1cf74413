using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Ml.Weights;

/// <summary>
/// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length, a JSON header
/// naming each tensor's dtype, shape and [begin, end) byte range in the data that follows, an optional
/// "__metadata__" map of strings. Reading checks every range (inside the buffer, the right size, no
/// overlaps, no holes); writing is canonical (tensors sorted by name, no metadata), so equal weights give
/// equal bytes and an equal SHA-256.
/// </summary>
public static class Safetensors
{
    private const string MetadataKey = "__metadata__";
    private const long MaxHeaderLength = 100L << 20;

    private static readonly Dictionary<string, WeightDtype> Dtypes = new(StringComparer.Ordinal)
    {
        ["F64"] = WeightDtype.F64,
        ["F32"] = WeightDtype.F32,
        ["F16"] = WeightDtype.F16,
        ["BF16"] = WeightDtype.BF16,
        ["I64"] = WeightDtype.I64,
        ["I32"] = WeightDtype.I32,
        ["I16"] = WeightDtype.I16,
        ["I8"] = WeightDtype.I8,
        ["U8"] = WeightDtype.U8,
        ["BOOL"] = WeightDtype.Bool,
    };

    /// <summary>The tensors of a safetensors file and its "__metadata__" strings.</summary>
    public sealed record Content(IReadOnlyList<WeightTensor> Tensors, IReadOnlyDictionary<string, string> Metadata);

    /// <summary>Parses a whole safetensors file; <paramref name="source"/> names it in error messages.</summary>
    public static Content Read(ReadOnlyMemory<byte> file, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (file.Length < 8)
        {
            throw Invalid(source, "is shorter than the 8-byte header length");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file.Span);
        if (headerLength > MaxHeaderLength || (long)headerLength > file.Length - 8)
        {
            throw Invalid(source, $"declares a {headerLength}-byte header in a {file.Length}-byte file");
        }

        var data = file[(8 + (int)headerLength)..];
        var tensors = new List<(WeightTensor Tensor, long Begin, long End)>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        JsonDocument header;
        try
        {
            header = JsonDocument.Parse(file.Slice(8, (int)headerLength));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: the safetensors header is not JSON: {e.Message}", e);
        }

        using (header)
        {
            if (header.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(source, "has a header that is not a JSON object");
            }

            foreach (var entry in header.RootElement.EnumerateObject())
            {
                if (!seen.Add(entry.Name))
                {
                    throw Invalid(source, $"names '{entry.Name}' twice");
                }

                if (entry.Name == MetadataKey)
                {
                    ReadMetadata(entry.Value, metadata, source);
                    continue;
                }

                tensors.Add(ReadEntry(entry, data, source));
            }
        }

        CheckCoverage(tensors, data.Length, source);
        return new Content([.. tensors.Select(t => t.Tensor)], metadata);
    }

    /// <summary>Reads and parses the safetensors file at <paramref name="path"/>.</summary>
    public static Content Read(string path) => Read(File.ReadAllBytes(path), Path.GetFileName(path));

    /// <summary>The canonical safetensors bytes of <paramref name="tensors"/>: sorted by name, no metadata, header padded to 8 bytes.</summary>
    public static byte[] Write(IEnumerable<WeightTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var sorted = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        using var json = new MemoryStream();
        long offset = 0;
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            foreach (var tensor in sorted)
            {
                tensor.Validate();
                writer.WriteStartObject(tensor.Name);
                writer.WriteString("dtype", Dtypes.First(d => d.Value == tensor.Dtype).Key);
                writer.WriteStartArray("shape");
                foreach (var d in tensor.Shape)
                {
                    writer.WriteNumberValue(d);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(offset += tensor.Data.Length);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        // The reference writer pads the header with spaces so the data starts 8-byte aligned.
        var headerLength = (json.Length + 7) / 8 * 8;
        var result = new byte[8 + headerLength + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)headerLength);
        json.GetBuffer().AsSpan(0, (int)json.Length).CopyTo(result.AsSpan(8));
        result.AsSpan(8 + (int)json.Length, (int)(headerLength - json.Length)).Fill((byte)' ');
        var position = 8 + (int)headerLength;
        foreach (var tensor in sorted)
        {
            tensor.Data.Span.CopyTo(result.AsSpan(position));
            position += tensor.Data.Length;
        }

        return result;
    }

    private static (WeightTensor, long, long) ReadEntry(JsonProperty entry, ReadOnlyMemory<byte> data, string source)
    {
        var name = entry.Name;
        var value = entry.Value;
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtypeText) || dtypeText.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shapeArray) || shapeArray.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
        {
            throw Invalid(source, $"has a malformed entry for '{name}' (dtype, shape and data_offsets are required)");
        }

        if (!Dtypes.TryGetValue(dtypeText.GetString()!, out var dtype))
        {
            throw Invalid(source, $"stores '{name}' as {dtypeText.GetString()}, which is not a supported element type");
        }

        var shape = shapeArray.EnumerateArray().Select(d => d.TryGetInt64(out var v) && v >= 0 ? v : -1).ToArray();
        if (!offsets[0].TryGetInt64(out var begin) || !offsets[1].TryGetInt64(out var end) || shape.Any(d => d < 0))
        {
            throw Invalid(source, $"has a malformed shape or data_offsets for '{name}'");
        }

        if (begin < 0 || end < begin || end > data.Length)
        {
            throw Invalid(source, $"places '{name}' at bytes [{begin},{end}) of a {data.Length}-byte data section");
        }

        var tensor = new WeightTensor(name, dtype, shape, data[(int)begin..(int)end]);
        try
        {
            tensor.Validate();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }

        return (tensor, begin, end);
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(source, "has a __metadata__ that is not an object of strings");
        }

        foreach (var item in value.EnumerateObject())
        {
            metadata[item.Name] = item.Value.ValueKind == JsonValueKind.String
                ? item.Value.GetString()!
                : throw Invalid(source, $"has a non-string __metadata__ value for '{item.Name}'");
        }
    }

    // The format forbids overlapping ranges and unindexed bytes: either means a damaged or doctored file.
    private static void CheckCoverage(List<(WeightTensor Tensor, long Begin, long End)> tensors, int dataLength, string source)
    {
        long position = 0;
        foreach (var (tensor, begin, end) in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (begin != position)
            {
                throw Invalid(source, begin < position
                    ? $"overlaps '{tensor.Name}' with the tensor before it"
                    : $"leaves bytes [{position},{begin}) before '{tensor.Name}' unindexed");
            }

            position = end;
        }

        if (position != dataLength)
        {
            throw Invalid(source, $"leaves bytes [{position},{dataLength}) after the last tensor unindexed");
        }
    }

    private static InvalidDataException Invalid(string source, string problem) =>
        new($"{source} is not a valid safetensors file: it {problem}.");
}
