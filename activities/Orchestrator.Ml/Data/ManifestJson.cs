using System.Text.Json;
using Orchestrator.Contracts;

namespace Orchestrator.Ml.Data;

/// <summary>
/// The canonical JSON of a manifest: fixed property order, items sorted by id (ordinal), slice keys
/// sorted, no whitespace, UTF-8. Equal manifests give equal bytes, so the digest names the content,
/// not the order in which a loader happened to list files. A multi-label manifest adds "task":"multi-label" and
/// each item's "labels"; single-label manifests are written exactly as before, so their digests do not change.
/// </summary>
public static class ManifestJson
{
    /// <summary>Version of this format, written into the document.</summary>
    public const int FormatVersion = 1;

    /// <summary>The "task" value of a multi-label manifest.</summary>
    public const string MultiLabelTask = "multi-label";

    public static byte[] ToCanonicalBytes(DatasetManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            json.WriteNumber("format", FormatVersion);
            json.WriteString("name", manifest.Name);
            json.WriteString("source", manifest.Source);
            if (manifest.Task == TaskKind.MultiLabel)
            {
                json.WriteString("task", MultiLabelTask);
            }

            json.WriteStartArray("classes");
            foreach (var label in manifest.Classes)
            {
                json.WriteStringValue(label);
            }

            json.WriteEndArray();
            json.WriteStartObject("terms");
            json.WriteString("licence", manifest.Terms.Licence);
            json.WriteString("consent", manifest.Terms.Consent);
            json.WriteString("retention", manifest.Terms.Retention);
            json.WriteEndObject();
            json.WriteStartArray("items");
            foreach (var item in manifest.Items.OrderBy(i => i.ItemId, StringComparer.Ordinal))
            {
                WriteItem(json, item);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a manifest written by <see cref="ToCanonicalBytes"/>; throws <see cref="FormatException"/> on anything else.</summary>
    public static DatasetManifest Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8.ToArray());
            var root = document.RootElement;
            if (root.GetProperty("format").GetInt32() != FormatVersion)
            {
                throw new FormatException($"Unsupported manifest format {root.GetProperty("format")}.");
            }

            var terms = root.GetProperty("terms");
            var task = !root.TryGetProperty("task", out var kind) ? TaskKind.SingleLabel
                : kind.GetString() == MultiLabelTask ? TaskKind.MultiLabel
                : throw new FormatException($"Unknown manifest task {kind}.");
            return new DatasetManifest(
                Text(root, "name"),
                Text(root, "source"),
                [.. root.GetProperty("classes").EnumerateArray().Select(c => c.GetString() ?? throw new FormatException("null class"))],
                new DatasetTerms(Text(terms, "licence"), Text(terms, "consent"), Text(terms, "retention")),
                [.. root.GetProperty("items").EnumerateArray().Select(ReadItem)],
                task);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"Not a dataset manifest: {ex.Message}", ex);
        }
    }

    private static void WriteItem(Utf8JsonWriter json, ManifestItem item)
    {
        json.WriteStartObject();
        json.WriteString("id", item.ItemId);
        json.WriteString("digest", item.ContentDigest);
        json.WriteNumber("bytes", item.ByteSize);
        json.WriteString("label", item.Label);
        json.WriteStartObject("slices");
        foreach (var (key, value) in item.Slices.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
        json.WriteString("dhash", item.PerceptualHash);
        if (item.Labels is not null)
        {
            json.WriteStartArray("labels");
            foreach (var label in item.Labels.Order(StringComparer.Ordinal))
            {
                json.WriteStringValue(label);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static ManifestItem ReadItem(JsonElement item) => new(
        Text(item, "id"),
        Text(item, "digest"),
        item.GetProperty("bytes").GetInt64(),
        Text(item, "label"),
        item.GetProperty("slices").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal),
        Text(item, "dhash"),
        item.TryGetProperty("labels", out var labels) ? [.. labels.EnumerateArray().Select(l => l.GetString() ?? throw new FormatException("null label"))] : null);

    private static string Text(JsonElement element, string name) =>
        element.GetProperty(name).GetString() ?? throw new FormatException($"'{name}' is null.");
}
