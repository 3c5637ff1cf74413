using System.Text.Json;
using Orchestrator.Ml.Quality;

namespace Orchestrator.Ml.Annotation;

/// <summary>The ratings of a label-set annotation file, or none and every line's problems (a partial import would bias the consensus).</summary>
public sealed record MultiLabelImportResult(IReadOnlyList<MultiLabelRating> Ratings, IReadOnlyList<LabelImportError> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Imports annotators' label sets for a multi-label dataset: CSV with exactly the columns item_id,annotator,labels (labels separated by
/// '|', empty for "none applies"), or JSON Lines of {"item_id": "...", "annotator": "...", "labels": [...]}. Unknown items, labels
/// outside the dataset's classes, empty or repeated labels, an annotator rating an item twice and malformed rows each produce an error
/// with the line, and then nothing is imported. Like <see cref="LabelImporter"/>, messages never quote the file's content.
/// </summary>
public static class MultiLabelAnnotationFile
{
    /// <summary>The labels column's separator.</summary>
    public const char Delimiter = '|';

    public static MultiLabelImportResult ReadCsv(TextReader reader, IReadOnlySet<string> knownItems, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var rows = new Rows(knownItems, classes);
        var headerSeen = false;
        foreach (var row in CsvRecords.Read(reader))
        {
            if (!headerSeen)
            {
                headerSeen = true;
                if (row.Fields.Count != 3 || row.Fields[0].Trim() != "item_id" || row.Fields[1].Trim() != "annotator" || row.Fields[2].Trim() != "labels")
                {
                    rows.Error(row.Line, "bad header: needs exactly the columns item_id,annotator,labels");
                    return rows.Result();
                }

                continue;
            }

            if (row.Problem is not null || row.Fields.Count != 3)
            {
                rows.Error(row.Line, row.Problem ?? $"expected 3 fields, found {row.Fields.Count}");
                continue;
            }

            var labels = row.Fields[2].Trim();
            rows.Add(row.Line, row.Fields[0].Trim(), row.Fields[1].Trim(), labels.Length == 0 ? [] : [.. labels.Split(Delimiter).Select(l => l.Trim())]);
        }

        if (!headerSeen)
        {
            rows.Error(1, "the file is empty (no header)");
        }

        return rows.Result();
    }

    public static MultiLabelImportResult ReadJsonLines(TextReader reader, IReadOnlySet<string> knownItems, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var rows = new Rows(knownItems, classes);
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
                    : root.EnumerateObject().Any(p => p.Name is not ("item_id" or "annotator" or "labels")) ? "unexpected property (use item_id, annotator, labels)"
                    : !root.TryGetProperty("item_id", out var item) || item.ValueKind != JsonValueKind.String ? "'item_id' must be a string"
                    : !root.TryGetProperty("annotator", out var annotator) || annotator.ValueKind != JsonValueKind.String ? "'annotator' must be a string"
                    : !root.TryGetProperty("labels", out var labels) || labels.ValueKind != JsonValueKind.Array ? "'labels' must be an array"
                    : labels.EnumerateArray().Any(l => l.ValueKind != JsonValueKind.String) ? "every label must be a string"
                    : null;
                if (problem is not null)
                {
                    rows.Error(number, problem);
                    continue;
                }

                rows.Add(number, root.GetProperty("item_id").GetString()!, root.GetProperty("annotator").GetString()!,
                    [.. root.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!)]);
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

    private sealed class Rows(IReadOnlySet<string> knownItems, IReadOnlyList<string> classes)
    {
        private readonly HashSet<string> _classes = new(classes, StringComparer.Ordinal);
        private readonly Dictionary<(string, string), int> _rated = [];
        private readonly List<MultiLabelRating> _ratings = [];
        private readonly List<LabelImportError> _errors = [];

        public void Error(int line, string message) => _errors.Add(new LabelImportError(line, message));

        public void Add(int line, string item, string annotator, IReadOnlyList<string> labels)
        {
            var problem = item.Length == 0 ? "empty item_id"
                : annotator.Length == 0 ? "empty annotator"
                : !knownItems.Contains(item) ? "unknown item (not in the dataset version)"
                : labels.Any(l => l.Length == 0) ? "an empty label (two delimiters in a row, or one at an end)"
                : labels.Distinct(StringComparer.Ordinal).Count() != labels.Count ? "a label is repeated"
                : labels.Any(l => !_classes.Contains(l)) ? "unknown label (not one of the dataset's classes)"
                : _rated.TryGetValue((item, annotator), out var first) ? $"the annotator rated this item already (line {first})"
                : null;
            if (problem is not null)
            {
                Error(line, problem);
                return;
            }

            _rated[(item, annotator)] = line;
            _ratings.Add(new MultiLabelRating(item, annotator, [.. labels.Order(StringComparer.Ordinal)]));
        }

        public MultiLabelImportResult Result() => _errors.Count > 0 ? new MultiLabelImportResult([], _errors) : new MultiLabelImportResult(_ratings, []);
    }
}
