using System.Text;
using System.Text.Json;

namespace Orchestrator.Ml.Data;

/// <summary>
/// A slice metadata file registered with a dataset: per item (its path in the source, or its "sha256:..." content
/// digest), attributes such as lighting, site, device or demographic group, as CSV (a header "item,attr1,attr2,...",
/// one row per item, no quoting) or JSON Lines (<c>{"item": "cat/1.png", "lighting": "dim"}</c>, string values). The
/// file is stored content-addressed with the dataset version, and its attributes become the items' slices, which QC
/// counts and the evaluation measures per slice. Every item the file names must be in the dataset: a file that does not
/// describe this data is refused rather than silently leaving the slices empty.
/// </summary>
public static class SliceMetadata
{
    /// <summary>The column or property that names the item.</summary>
    public const string ItemKey = "item";

    /// <summary>The media type the file is stored under, by its extension (".csv" or ".jsonl").</summary>
    public static string MediaType(string path) => path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) ? "application/x-ndjson" : "text/csv";

    /// <summary>Item key to attributes; throws <see cref="InvalidDataException"/> naming the line of any malformed entry.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Parse(byte[] content, string path)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(path);
        var lines = Encoding.UTF8.GetString(content).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        if (path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            return Entries(lines.Select((line, index) => (line, index)).Where(l => l.line.Trim().Length > 0).Select(l => JsonLine(l.line, l.index + 1)), path);
        }

        if (!path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"Slice file '{path}': use a .csv or .jsonl file.");
        }

        var header = lines.FirstOrDefault()?.Split(',').Select(h => h.Trim()).ToArray() ?? [];
        if (header.Length < 2 || header[0] != ItemKey || header.Any(h => h.Length == 0) || header.Distinct(StringComparer.Ordinal).Count() != header.Length)
        {
            throw new InvalidDataException($"Slice file '{path}': the first line must be a header \"{ItemKey},<attribute>,...\" with distinct, non-empty names.");
        }

        return Entries(lines.Skip(1).Select((line, index) => (line, index)).Where(l => l.line.Trim().Length > 0).Select(l =>
        {
            var cells = l.line.Split(',').Select(c => c.Trim()).ToArray();
            if (cells.Length != header.Length || cells.Any(c => c.Contains('"', StringComparison.Ordinal)))
            {
                throw new InvalidDataException($"Slice file '{path}', line {l.index + 2}: expected {header.Length} unquoted values, got \"{l.line}\".");
            }

            return (cells[0], (IReadOnlyDictionary<string, string>)header.Skip(1).Zip(cells.Skip(1)).Where(p => p.Second.Length > 0)
                .ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal), l.index + 2);
        }), path);
    }

    /// <summary>
    /// The manifest with each named item's slices replaced by the file's attributes (items the file does not name keep theirs);
    /// refuses a file that names an item the manifest does not hold.
    /// </summary>
    public static DatasetManifest Apply(DatasetManifest manifest, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> slices)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(slices);
        var known = manifest.Items.Select(i => i.ItemId).Concat(manifest.Items.Select(i => i.ContentDigest)).ToHashSet(StringComparer.Ordinal);
        if (slices.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
        {
            throw new InvalidDataException($"The slice file names item '{unknown}', which is not in the dataset (name items by their path or their sha256 digest).");
        }

        return manifest with
        {
            Items = [.. manifest.Items.Select(i => slices.TryGetValue(i.ItemId, out var byPath) ? i with { Slices = byPath }
                : slices.TryGetValue(i.ContentDigest, out var byDigest) ? i with { Slices = byDigest } : i)],
        };
    }

    private static (string Item, IReadOnlyDictionary<string, string> Attributes, int Line) JsonLine(string line, int number)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            string? item = null;
            foreach (var property in json.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    throw new InvalidDataException($"line {number}: \"{property.Name}\" must be a string");
                }

                if (property.Name == ItemKey)
                {
                    item = property.Value.GetString();
                }
                else
                {
                    attributes[property.Name] = property.Value.GetString()!;
                }
            }

            return (item ?? throw new InvalidDataException($"line {number}: no \"{ItemKey}\""), attributes, number);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new InvalidDataException($"line {number}: not a JSON object ({e.Message})", e);
        }
    }

    private static Dictionary<string, IReadOnlyDictionary<string, string>> Entries(IEnumerable<(string Item, IReadOnlyDictionary<string, string> Attributes, int Line)> entries, string path)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        try
        {
            foreach (var (item, attributes, line) in entries)
            {
                if (item.Length == 0 || !result.TryAdd(item, attributes))
                {
                    throw new InvalidDataException($"line {line}: item '{item}' is empty or named twice");
                }
            }
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith("Slice file", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Slice file '{path}', {e.Message}.", e);
        }

        return result.Count > 0 ? result : throw new InvalidDataException($"Slice file '{path}' names no item.");
    }
}
