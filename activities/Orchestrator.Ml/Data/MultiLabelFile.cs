using System.Text.Json;
using Orchestrator.Ml.Annotation;

namespace Orchestrator.Ml.Data;

/// <summary>One image of a multi-label dataset as its label file lists it.</summary>
/// <param name="Path">The image's path inside the dataset's location ('/' separators).</param>
/// <param name="Labels">Its labels, sorted (ordinal); empty when none applies.</param>
public sealed record LabelledPath(string Path, IReadOnlyList<string> Labels);

/// <summary>The rows of a label file, or none and every line's problems (a partial dataset would be a different dataset).</summary>
public sealed record LabelFileResult(IReadOnlyList<LabelledPath> Items, IReadOnlyList<LabelImportError> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Reads the label file of a multi-label dataset: CSV with a header "path,labels" whose labels column is
/// delimiter-separated ("cat|dog"; empty for none), or JSON Lines of {"path": "...", "labels": ["cat", "dog"]}.
/// Every problem is reported with its 1-based line; like <see cref="LabelImporter"/>, messages never quote the file.
/// When <c>classes</c> is given every label must be one of them.
/// </summary>
public static class MultiLabelFile
{
    /// <summary>The labels column's default separator (commas separate the CSV's columns).</summary>
    public const char DefaultDelimiter = '|';

    public static LabelFileResult ReadCsv(TextReader reader, char delimiter = DefaultDelimiter, IReadOnlyList<string>? classes = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var rows = new Rows(classes);
        var headerSeen = false;
        foreach (var row in CsvRecords.Read(reader))
        {
            if (!headerSeen)
            {
                headerSeen = true;
                if (row.Fields.Count != 2 || row.Fields[0].Trim() != "path" || row.Fields[1].Trim() != "labels")
                {
                    rows.Error(row.Line, "bad header: needs exactly the columns path,labels");
                    return rows.Result();
                }

                continue;
            }

            if (row.Problem is not null || row.Fields.Count != 2)
            {
                rows.Error(row.Line, row.Problem ?? $"expected 2 fields, found {row.Fields.Count}");
                continue;
            }

            var labels = row.Fields[1].Trim();
            rows.Add(row.Line, row.Fields[0].Trim(), labels.Length == 0 ? [] : [.. labels.Split(delimiter).Select(l => l.Trim())]);
        }

        if (!headerSeen)
        {
            rows.Error(1, "the file is empty (no header)");
        }

        return rows.Result();
    }

    public static LabelFileResult ReadJsonLines(TextReader reader, IReadOnlyList<string>? classes = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var rows = new Rows(classes);
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
                var root = document.RootElement;
                var problem = root.ValueKind != JsonValueKind.Object ? "not a JSON object"
                    : root.EnumerateObject().Any(p => p.Name is not ("path" or "labels")) ? "unexpected property (use path, labels)"
                    : !root.TryGetProperty("path", out var path) || path.ValueKind != JsonValueKind.String ? "'path' must be a string"
                    : !root.TryGetProperty("labels", out var labels) || labels.ValueKind != JsonValueKind.Array ? "'labels' must be an array"
                    : labels.EnumerateArray().Any(l => l.ValueKind != JsonValueKind.String) ? "every label must be a string"
                    : null;
                if (problem is not null)
                {
                    rows.Error(number, problem);
                    continue;
                }

                rows.Add(number, root.GetProperty("path").GetString()!, [.. root.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!)]);
            }
            catch (JsonException ex)
            {
                rows.Error(number, ex.BytePositionInLine is { } at ? $"malformed JSON at byte {at + 1}" : "malformed JSON");
            }
        }

        if (number == 0)
        {
            rows.Error(1, "the file is empty");
        }

        return rows.Result();
    }

    private sealed class Rows(IReadOnlyList<string>? classes)
    {
        private readonly HashSet<string>? _classes = classes is null ? null : new HashSet<string>(classes, StringComparer.Ordinal);
        private readonly Dictionary<string, int> _paths = new(StringComparer.Ordinal);
        private readonly List<LabelledPath> _items = [];
        private readonly List<LabelImportError> _errors = [];

        public void Error(int line, string message) => _errors.Add(new LabelImportError(line, message));

        public void Add(int line, string path, IReadOnlyList<string> labels)
        {
            var problem = path.Length == 0 ? "empty path"
                : path.StartsWith('/') || path.Split('/').Any(s => s is "" or "." or "..") ? "the path must be relative, without empty, '.' or '..' segments"
                : labels.Any(l => l.Length == 0) ? "an empty label (two delimiters in a row, or one at an end)"
                : labels.Distinct(StringComparer.Ordinal).Count() != labels.Count ? "a label is repeated"
                : _classes is not null && labels.Any(l => !_classes.Contains(l)) ? "unknown label (not one of the dataset's classes)"
                : _paths.TryGetValue(path, out var first) ? $"the path is listed again (first on line {first})"
                : null;
            if (problem is not null)
            {
                Error(line, problem);
                return;
            }

            _paths[path] = line;
            _items.Add(new LabelledPath(path, [.. labels.Order(StringComparer.Ordinal)]));
        }

        public LabelFileResult Result() => _errors.Count > 0 ? new LabelFileResult([], _errors) : new LabelFileResult(_items, []);
    }
}
