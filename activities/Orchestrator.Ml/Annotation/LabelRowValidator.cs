using System.Globalization;

namespace Orchestrator.Ml.Annotation;

/// <summary>
/// The checks both import formats share: known item, known label, confidence in range, parseable time,
/// one label per (item, annotator). Collects every error rather than stopping at the first, so a bad
/// file is fixed in one round trip. Messages never quote the file's values (see <see cref="LabelImporter"/>).
/// </summary>
internal sealed class LabelRowValidator(IReadOnlySet<string> knownItems, IReadOnlyList<string> classes)
{
    private readonly HashSet<string> _classes = new(classes, StringComparer.Ordinal);
    private readonly Dictionary<(string Item, string Annotator), int> _firstLine = [];
    private readonly List<AnnotationRecord> _records = [];
    private readonly List<LabelImportError> _errors = [];

    public void Error(int line, string message) => _errors.Add(new LabelImportError(line, message));

    public void Add(int line, string? itemId, string? annotator, string? label, string? confidence, string? time)
    {
        var before = _errors.Count;
        if (string.IsNullOrWhiteSpace(itemId))
        {
            Error(line, "item_id is empty");
        }
        else if (!knownItems.Contains(itemId))
        {
            Error(line, "unknown item (not in the dataset)");
        }

        if (string.IsNullOrWhiteSpace(annotator))
        {
            Error(line, "annotator is empty");
        }

        if (string.IsNullOrWhiteSpace(label))
        {
            Error(line, "label is empty");
        }
        else if (!_classes.Contains(label))
        {
            Error(line, $"unknown label (expected one of {string.Join(", ", classes)})");
        }

        double? parsedConfidence = null;
        if (!string.IsNullOrEmpty(confidence))
        {
            if (double.TryParse(confidence, NumberStyles.Float, CultureInfo.InvariantCulture, out var c) && c is >= 0 and <= 1)
            {
                parsedConfidence = c;
            }
            else
            {
                Error(line, "confidence is not a number within 0..1");
            }
        }

        DateTimeOffset? parsedTime = null;
        if (!string.IsNullOrEmpty(time))
        {
            if (DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
            {
                parsedTime = t;
            }
            else
            {
                Error(line, "time is not an ISO 8601 date-time");
            }
        }

        if (_errors.Count > before)
        {
            return;
        }

        if (_firstLine.TryGetValue((itemId!, annotator!), out var first))
        {
            Error(line, $"duplicate label for the same item and annotator (first on line {first})");
            return;
        }

        _firstLine[(itemId!, annotator!)] = line;
        _records.Add(new AnnotationRecord(itemId!, annotator!, label!, parsedConfidence, parsedTime));
    }

    public LabelImportResult Result() =>
        _errors.Count == 0 ? new LabelImportResult(_records, []) : new LabelImportResult([], _errors);
}
