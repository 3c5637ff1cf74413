using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Orchestrator.Audit.Canonical;
using Orchestrator.Audit.Ledger;

namespace Orchestrator.Audit.Export;

/// <summary>
/// One entry per line of events.jsonl / checkpoints.jsonl: the stored columns and chain headers, with
/// "data" and "context" embedded as the JSON values they are (their text is re-canonicalised when verifying).
/// </summary>
public static class BundleLines
{
    /// <summary>Writes one entry as a line (with the trailing newline).</summary>
    public static void Write(IBufferWriter<byte> output, StoredEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            json.WriteString("stream", entry.StreamId);
            json.WriteNumber("version", entry.Version);
            json.WriteNumber("sequence", entry.Sequence);
            json.WriteString("type", entry.Type);
            json.WriteString("timestamp", CanonicalEntry.FormatTime(entry.Timestamp));
            json.WriteString("recordedAt", entry.RecordedAt);
            json.WriteString("key", entry.Key);
            json.WritePropertyName("context");
            json.WriteRawValue(entry.ContextJson ?? "null", skipInputValidation: false);
            json.WritePropertyName("data");
            json.WriteRawValue(entry.DataJson, skipInputValidation: false);
            json.WriteString("prev", entry.Previous);
            json.WriteString("hash", entry.Hash);
            json.WriteEndObject();
        }

        output.Write("\n"u8);
    }

    /// <summary>Reads one line back.</summary>
    /// <exception cref="FormatException">The line is not JSON, or a member is missing or of the wrong kind (named in the message).</exception>
    public static StoredEntry Read(string line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new FormatException($"not valid JSON ({e.Message})", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("not a JSON object");
            }

            var timestamp = Required(root, "timestamp");
            if (!DateTimeOffset.TryParseExact(timestamp, CanonicalEntry.TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            {
                throw new FormatException($"'timestamp' is not of the form {CanonicalEntry.TimeFormat}");
            }

            var context = root.TryGetProperty("context", out var c) ? c : default;
            return new StoredEntry(
                Required(root, "stream"),
                Number(root, "version"),
                Number(root, "sequence"),
                Required(root, "type"),
                at,
                root.TryGetProperty("data", out var data) ? data.GetRawText() : throw new FormatException("'data' is missing"),
                Text(root, "recordedAt"),
                Text(root, "key"),
                context.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : context.GetRawText(),
                Text(root, "prev"),
                Text(root, "hash"));
        }
    }

    private static string Required(JsonElement root, string name) =>
        Text(root, name) ?? throw new FormatException($"'{name}' is missing or not a string");

    private static long Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : throw new FormatException($"'{name}' is missing or not an integer");

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
