// The canonicaliser as shipped before the streaming rewrite (JsonDocument-based), kept verbatim as the
// reference the property tests hold the new one to: the canonical bytes must not change by one byte.
using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Audit.Tests.Canonical;

/// <summary>
/// RFC 8785 (JSON Canonicalization Scheme) output: members sorted by UTF-16 code units, no whitespace,
/// minimal string escaping, numbers in ECMAScript form. Any JSON text with the same value gives the same
/// bytes, so PostgreSQL's jsonb rewrite of an event and an independent verifier both agree with the writer.
/// </summary>
internal static class LegacyCanonicalJson
{
    private const double MaxSafeInteger = 9007199254740991d;

    /// <summary>Writes the canonical form of <paramref name="utf8Json"/> to <paramref name="output"/>.</summary>
    /// <param name="utf8Json">One JSON value.</param>
    /// <param name="output">Where the canonical UTF-8 bytes go.</param>
    /// <param name="strict">Refuse integers beyond ±2^53, which JCS cannot represent exactly (used when appending).</param>
    public static void Write(ReadOnlySpan<byte> utf8Json, IBufferWriter<byte> output, bool strict = false)
    {
        var reader = new Utf8JsonReader(utf8Json);
        using var document = JsonDocument.ParseValue(ref reader);
        WriteElement(document.RootElement, output, strict);
    }

    /// <summary>The canonical UTF-8 bytes of <paramref name="json"/>.</summary>
    public static byte[] ToBytes(string json, bool strict = false)
    {
        var buffer = new ArrayBufferWriter<byte>(json.Length);
        Write(Encoding.UTF8.GetBytes(json), buffer, strict);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the canonical form of an already parsed element.</summary>
    public static void WriteElement(JsonElement element, IBufferWriter<byte> output, bool strict = false)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(element, output, strict);
                break;
            case JsonValueKind.Array:
                output.Write("["u8);
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        output.Write(","u8);
                    }

                    first = false;
                    WriteElement(item, output, strict);
                }

                output.Write("]"u8);
                break;
            case JsonValueKind.String:
                LegacyJsonStrings.Write(element.GetString()!, output);
                break;
            case JsonValueKind.Number:
                WriteNumber(element, output, strict);
                break;
            case JsonValueKind.True:
                output.Write("true"u8);
                break;
            case JsonValueKind.False:
                output.Write("false"u8);
                break;
            case JsonValueKind.Null:
                output.Write("null"u8);
                break;
            default:
                throw new FormatException($"Unexpected JSON value kind {element.ValueKind}.");
        }
    }

    private static void WriteObject(JsonElement element, IBufferWriter<byte> output, bool strict)
    {
        var members = new List<JsonProperty>();
        foreach (var property in element.EnumerateObject())
        {
            members.Add(property);
        }

        members.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        output.Write("{"u8);
        for (var i = 0; i < members.Count; i++)
        {
            if (i > 0)
            {
                output.Write(","u8);
            }

            LegacyJsonStrings.Write(members[i].Name, output);
            output.Write(":"u8);
            WriteElement(members[i].Value, output, strict);
        }

        output.Write("}"u8);
    }

    private static void WriteNumber(JsonElement element, IBufferWriter<byte> output, bool strict)
    {
        var raw = element.GetRawText();
        // Fast path: integers of at most 15 characters (so below 2^53) are already in ECMAScript form
        // (JSON forbids leading zeros).
        if (raw.Length <= 15 && raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0)
        {
            Encoding.UTF8.GetBytes(raw == "-0" ? "0" : raw, output);
            return;
        }

        if (!element.TryGetDouble(out var value) || !double.IsFinite(value))
        {
            throw new FormatException($"The number {raw} has no IEEE 754 double value.");
        }

        if (strict && raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0 && Math.Abs(value) > MaxSafeInteger)
        {
            throw new FormatException($"The integer {raw} is beyond ±2^53; carry it as a string.");
        }

        Encoding.UTF8.GetBytes(LegacyEcmaScriptNumber.Format(value), output);
    }
}
