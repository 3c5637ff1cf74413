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
    public static StoredEntry Read(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var context = root.GetProperty("context");
        return new StoredEntry(
            root.GetProperty("stream").GetString()!,
            root.GetProperty("version").GetInt64(),
            root.GetProperty("sequence").GetInt64(),
            root.GetProperty("type").GetString()!,
            DateTimeOffset.ParseExact(root.GetProperty("timestamp").GetString()!, CanonicalEntry.TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
            root.GetProperty("data").GetRawText(),
            Text(root, "recordedAt"),
            Text(root, "key"),
            context.ValueKind == JsonValueKind.Null ? null : context.GetRawText(),
            Text(root, "prev"),
            Text(root, "hash"));
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
