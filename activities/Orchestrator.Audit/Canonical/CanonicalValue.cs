using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Orchestrator.Audit.Canonical;

/// <summary>The streaming core of <see cref="CanonicalJson"/>: one JSON value from a reader positioned on its first token.</summary>
internal static class CanonicalValue
{
    private const double MaxSafeInteger = 9007199254740991d;

    public static void Write(ref Utf8JsonReader reader, IBufferWriter<byte> output, bool strict)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                CanonicalObject.Write(ref reader, output, strict);
                break;
            case JsonTokenType.StartArray:
                WriteArray(ref reader, output, strict);
                break;
            case JsonTokenType.String:
                WriteString(ref reader, output);
                break;
            case JsonTokenType.Number:
                WriteNumber(ref reader, output, strict);
                break;
            case JsonTokenType.True:
                output.Write("true"u8);
                break;
            case JsonTokenType.False:
                output.Write("false"u8);
                break;
            case JsonTokenType.Null:
                output.Write("null"u8);
                break;
            default:
                throw new FormatException($"Unexpected JSON token {reader.TokenType}.");
        }
    }

    /// <summary>A string token (value or member name) in JCS form.</summary>
    public static void WriteString(ref Utf8JsonReader reader, IBufferWriter<byte> output)
    {
        // Unescaped JSON string content has no '"', '\\' or control characters, so valid UTF-8 is already
        // its JCS form. Escaped or invalid text takes the decoding path (which rejects invalid text as before).
        if (!reader.ValueIsEscaped && !reader.HasValueSequence && Utf8.IsValid(reader.ValueSpan))
        {
            var raw = reader.ValueSpan;
            var span = output.GetSpan(raw.Length + 2);
            span[0] = (byte)'"';
            raw.CopyTo(span[1..]);
            span[raw.Length + 1] = (byte)'"';
            output.Advance(raw.Length + 2);
            return;
        }

        JsonStrings.Write(reader.GetString()!, output);
    }

    private static void WriteArray(ref Utf8JsonReader reader, IBufferWriter<byte> output, bool strict)
    {
        output.Write("["u8);
        var first = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (!first)
            {
                output.Write(","u8);
            }

            first = false;
            Write(ref reader, output, strict);
        }

        output.Write("]"u8);
    }

    private static void WriteNumber(ref Utf8JsonReader reader, IBufferWriter<byte> output, bool strict)
    {
        var raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
        var isInteger = raw.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0;
        // Fast path: integers of at most 15 characters (so below 2^53) are already in ECMAScript form
        // (JSON forbids leading zeros).
        if (raw.Length <= 15 && isInteger)
        {
            output.Write(raw.SequenceEqual("-0"u8) ? "0"u8 : raw);
            return;
        }

        if (!reader.TryGetDouble(out var value) || !double.IsFinite(value))
        {
            throw new FormatException($"The number {Encoding.UTF8.GetString(raw)} has no IEEE 754 double value.");
        }

        if (strict && isInteger && Math.Abs(value) > MaxSafeInteger)
        {
            throw new FormatException($"The integer {Encoding.UTF8.GetString(raw)} is beyond ±2^53; carry it as a string.");
        }

        var span = output.GetSpan(EcmaScriptNumber.MaxLength);
        output.Advance(EcmaScriptNumber.Write(value, span));
    }
}
