using System.Text;
using System.Text.Json;
using Orchestrator.Ml.Annotation;
using Orchestrator.Ml.Quality;

namespace Orchestrator.Activities.Annotate;

/// <summary>
/// The stored label formats, JSON Lines sorted by item id (then annotator) so the same labels always have
/// the same bytes and so the same digest: consensus as {"itemId","label"}, annotations as {"itemId","annotator","label"}.
/// </summary>
public static class LabelJsonLines
{
    public const string MediaType = "application/jsonl";

    /// <summary>Consensus labels, one {"itemId": "...", "label": "..."} per line.</summary>
    public static byte[] WriteConsensus(IEnumerable<(string ItemId, string Label)> labels) =>
        Write(labels.OrderBy(l => l.ItemId, StringComparer.Ordinal), (writer, l) =>
        {
            writer.WriteString("itemId", l.ItemId);
            writer.WriteString("label", l.Label);
        });

    /// <summary>Individual annotations, one {"itemId", "annotator", "label"} per line.</summary>
    public static byte[] WriteAnnotations(IEnumerable<AnnotationRecord> records) =>
        Write(records.OrderBy(r => r.ItemId, StringComparer.Ordinal).ThenBy(r => r.Annotator, StringComparer.Ordinal), (writer, r) =>
        {
            writer.WriteString("itemId", r.ItemId);
            writer.WriteString("annotator", r.Annotator);
            writer.WriteString("label", r.Label);
        });

    /// <summary>Reads consensus labels as item id -> label.</summary>
    public static IReadOnlyDictionary<string, string> ReadConsensus(byte[] utf8) =>
        Lines(utf8).ToDictionary(e => Text(e, "itemId"), e => Text(e, "label"), StringComparer.Ordinal);

    /// <summary>Reads individual annotations.</summary>
    public static IReadOnlyList<AnnotationRecord> ReadAnnotations(byte[] utf8) =>
        [.. Lines(utf8).Select(e => new AnnotationRecord(Text(e, "itemId"), Text(e, "annotator"), Text(e, "label")))];

    /// <summary>Multi-label consensus, one {"itemId": "...", "labels": [...]} per line.</summary>
    public static byte[] WriteConsensusSets(IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> labels) =>
        Write(labels.OrderBy(l => l.Key, StringComparer.Ordinal), (writer, l) =>
        {
            writer.WriteString("itemId", l.Key);
            WriteSet(writer, l.Value);
        });

    /// <summary>Multi-label annotations, one {"itemId", "annotator", "labels": [...]} per line.</summary>
    public static byte[] WriteRatings(IEnumerable<MultiLabelRating> ratings) =>
        Write(ratings.OrderBy(r => r.ItemId, StringComparer.Ordinal).ThenBy(r => r.Annotator, StringComparer.Ordinal), (writer, r) =>
        {
            writer.WriteString("itemId", r.ItemId);
            writer.WriteString("annotator", r.Annotator);
            WriteSet(writer, r.Labels);
        });

    /// <summary>Reads multi-label consensus as item id -> label set.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ReadConsensusSets(byte[] utf8) =>
        Lines(utf8).ToDictionary(e => Text(e, "itemId"), Set, StringComparer.Ordinal);

    /// <summary>Reads multi-label annotations.</summary>
    public static IReadOnlyList<MultiLabelRating> ReadRatings(byte[] utf8) =>
        [.. Lines(utf8).Select(e => new MultiLabelRating(Text(e, "itemId"), Text(e, "annotator"), Set(e)))];

    private static void WriteSet(Utf8JsonWriter writer, IReadOnlyList<string> labels)
    {
        writer.WriteStartArray("labels");
        foreach (var label in labels.Order(StringComparer.Ordinal))
        {
            writer.WriteStringValue(label);
        }

        writer.WriteEndArray();
    }

    private static IReadOnlyList<string> Set(JsonElement element) =>
        element.TryGetProperty("labels", out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Select(l => l.ValueKind == JsonValueKind.String ? l.GetString()! : throw new FormatException("A label set holds a non-string."))]
            : throw new FormatException("A label line lacks the array property 'labels'.");

    private static byte[] Write<T>(IEnumerable<T> rows, Action<Utf8JsonWriter, T> write)
    {
        using var stream = new MemoryStream();
        foreach (var row in rows)
        {
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                write(writer, row);
                writer.WriteEndObject();
            }

            stream.WriteByte((byte)'\n');
        }

        return stream.ToArray();
    }

    private static IEnumerable<JsonElement> Lines(byte[] utf8)
    {
        foreach (var line in Encoding.UTF8.GetString(utf8).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            using var document = JsonDocument.Parse(line);
            yield return document.RootElement.Clone();
        }
    }

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"A label line lacks the string property '{property}'.");
}
