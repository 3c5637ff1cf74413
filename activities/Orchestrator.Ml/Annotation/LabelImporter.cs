using System.Text.Json;

namespace Orchestrator.Ml.Annotation;

/// <summary>
/// Imports annotator labels from CSV (header: item_id, annotator, label, optional confidence and time,
/// any order) or JSON Lines (one object per line with the same property names). Unknown items, unknown
/// labels, duplicate (item, annotator) pairs and malformed rows each produce an error with the line;
/// if there is any error nothing is imported. Errors name lines, columns and what is wrong, never a value from the
/// file: they end up in a run's failure reason, which the ledger keeps for good and every role can read.
/// </summary>
public static class LabelImporter
{
    private static readonly string[] Required = ["item_id", "annotator", "label"];
    private static readonly string[] Columns = ["item_id", "annotator", "label", "confidence", "time"];

    public static LabelImportResult ImportCsv(TextReader reader, IReadOnlySet<string> knownItems, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var validator = new LabelRowValidator(knownItems, classes);
        Dictionary<string, int>? header = null;
        foreach (var row in CsvRecords.Read(reader))
        {
            if (header is null)
            {
                var names = row.Fields.Select(name => name.Trim().ToLowerInvariant()).ToList();
                header = names.Select((name, index) => (name, index)).DistinctBy(f => f.name, StringComparer.Ordinal).ToDictionary(f => f.name, f => f.index, StringComparer.Ordinal);
                var missing = Required.Where(r => !header.ContainsKey(r)).ToList();
                // Positions, not names: an unknown column's name is the file's content (a secret file's first line, say).
                var unknown = names.Select((name, index) => (name, index)).Where(f => !Columns.Contains(f.name)).Select(f => f.index + 1).ToList();
                if (missing.Count > 0 || unknown.Count > 0 || header.Count != row.Fields.Count)
                {
                    validator.Error(row.Line, $"bad header: needs {string.Join(", ", Required)}, may have confidence and time"
                        + (missing.Count > 0 ? $"; missing {string.Join(", ", missing)}" : "")
                        + (unknown.Count > 0 ? $"; unknown column{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown)}" : "")
                        + (header.Count != row.Fields.Count ? "; a column is repeated" : ""));
                    return validator.Result();
                }

                continue;
            }

            if (row.Problem is not null || row.Fields.Count != header.Count)
            {
                validator.Error(row.Line, row.Problem ?? $"expected {header.Count} fields, found {row.Fields.Count}");
                continue;
            }

            string? Field(string name) => header.TryGetValue(name, out var i) ? row.Fields[i].Trim() : null;
            validator.Add(row.Line, Field("item_id"), Field("annotator"), Field("label"), Field("confidence"), Field("time"));
        }

        if (header is null)
        {
            validator.Error(1, "the file is empty (no header)");
        }

        return validator.Result();
    }

    public static LabelImportResult ImportJsonLines(TextReader reader, IReadOnlySet<string> knownItems, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var validator = new LabelRowValidator(knownItems, classes);
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    validator.Error(number, "not a JSON object");
                    continue;
                }

                var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (!Columns.Contains(property.Name))
                    {
                        validator.Error(number, $"unexpected property (use {string.Join(", ", Columns)})");
                        continue;
                    }

                    if (fields.ContainsKey(property.Name))
                    {
                        validator.Error(number, $"repeated property '{property.Name}'");
                        continue;
                    }

                    fields[property.Name] = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Number when property.Name == "confidence" => property.Value.GetRawText(),
                        JsonValueKind.Null when property.Name is "confidence" or "time" => null,
                        _ => throw new JsonException($"'{property.Name}' has the wrong type ({property.Value.ValueKind})"),
                    };
                }

                validator.Add(number, fields.GetValueOrDefault("item_id"), fields.GetValueOrDefault("annotator"), fields.GetValueOrDefault("label"),
                    fields.GetValueOrDefault("confidence"), fields.GetValueOrDefault("time"));
            }
            catch (JsonException ex)
            {
                // The parser's message quotes the offending character; the position says as much without it.
                validator.Error(number, ex.BytePositionInLine is { } at ? $"malformed JSON at byte {at + 1}" : "malformed JSON");
            }
        }

        return validator.Result();
    }
}
