using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Audit.Canonical;

/// <summary>
/// RFC 8785 (JSON Canonicalization Scheme) output: members sorted by UTF-16 code units, no whitespace,
/// minimal string escaping, numbers in ECMAScript form. Any JSON text with the same value gives the same
/// bytes, so PostgreSQL's jsonb rewrite of an event and an independent verifier both agree with the writer.
/// </summary>
/// <remarks>
/// Streams: a <see cref="Utf8JsonReader"/> feeds UTF-8 straight to the output, with no document, node or
/// string per value (verification canonicalises every event of the ledger, so this is its hot path). Only an
/// object's members pass through a pooled scratch buffer, because they must be sorted before being written.
/// The bytes are those of the former JsonDocument-based implementation, which the tests keep as reference.
/// </remarks>
public static class CanonicalJson
{
    /// <summary>Writes the canonical form of <paramref name="utf8Json"/> to <paramref name="output"/>.</summary>
    /// <param name="utf8Json">One JSON value.</param>
    /// <param name="output">Where the canonical UTF-8 bytes go; holds a partial value when this throws.</param>
    /// <param name="strict">Refuse integers beyond ±2^53, which JCS cannot represent exactly (used when appending).</param>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    /// <exception cref="FormatException">A number has no finite double value (or, strict, is an integer beyond ±2^53).</exception>
    public static void Write(ReadOnlySpan<byte> utf8Json, IBufferWriter<byte> output, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        var reader = new Utf8JsonReader(utf8Json);
        if (!reader.Read())
        {
            throw new JsonException("The input does not contain a JSON value.");
        }

        CanonicalValue.Write(ref reader, output, strict);
    }

    /// <summary>The canonical UTF-8 bytes of <paramref name="json"/>.</summary>
    public static byte[] ToBytes(string json, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(json);
        var buffer = new ArrayBufferWriter<byte>(Math.Max(json.Length, 16));
        Write(Encoding.UTF8.GetBytes(json), buffer, strict);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the canonical form of an already parsed element.</summary>
    public static void WriteElement(JsonElement element, IBufferWriter<byte> output, bool strict = false) =>
        Write(JsonMarshal.GetRawUtf8Value(element), output, strict);
}
