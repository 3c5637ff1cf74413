using System.Text.Json;

namespace Orchestrator.Cli.Client;

/// <summary>Readable tables by default, the API's JSON with --json (for scripts).</summary>
public sealed class Output(TextWriter writer, bool json)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public bool Json => json;

    public TextWriter Writer => writer;

    /// <summary>Prints <paramref name="data"/> as JSON, or as a table of <paramref name="columns"/> over <paramref name="rows"/>.</summary>
    public void Table(JsonElement data, IEnumerable<JsonElement> rows, params (string Header, Func<JsonElement, string?> Cell)[] columns)
    {
        if (json)
        {
            writer.WriteLine(JsonSerializer.Serialize(data, Indented));
            return;
        }

        var cells = rows.Select(r => columns.Select(c => Clean(c.Cell(r))).ToArray()).ToList();
        var widths = columns.Select((c, i) => Math.Max(c.Header.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Length))).ToArray();
        writer.WriteLine(string.Join("  ", columns.Select((c, i) => c.Header.ToUpperInvariant().PadRight(widths[i]))).TrimEnd());
        foreach (var row in cells)
        {
            writer.WriteLine(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        }

        if (cells.Count == 0)
        {
            writer.WriteLine("(none)");
        }
    }

    /// <summary>Prints <paramref name="data"/> as JSON, or as "key: value" lines.</summary>
    public void Record(JsonElement data, params (string Label, Func<JsonElement, string?> Value)[] fields)
    {
        if (json)
        {
            writer.WriteLine(JsonSerializer.Serialize(data, Indented));
            return;
        }

        var width = fields.Max(f => f.Label.Length);
        foreach (var (label, value) in fields)
        {
            writer.WriteLine($"{(label + ":").PadRight(width + 1)} {Clean(value(data))}");
        }
    }

    /// <summary>A line of progress or explanation (never mixed into --json output).</summary>
    public void Line(string text)
    {
        if (!json)
        {
            writer.WriteLine(text);
        }
    }

    /// <summary>A string property, or null.</summary>
    public static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText())
            : null;

    // Values come from the service: strip control characters so a hostile value cannot drive the terminal.
    private static string Clean(string? value) => value is null ? "-" : new string(value.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
}
