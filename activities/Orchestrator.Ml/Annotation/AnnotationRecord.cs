namespace Orchestrator.Ml.Annotation;

/// <summary>One label given by one annotator to one item.</summary>
/// <param name="ItemId">The dataset item (manifest id).</param>
/// <param name="Annotator">Who labelled it (a stable annotator id, not a display name).</param>
/// <param name="Label">The class chosen, from the dataset's classes.</param>
/// <param name="Confidence">The annotator's own confidence in 0..1, where the tool records one.</param>
/// <param name="Time">When the label was given, where the tool records it.</param>
public sealed record AnnotationRecord(string ItemId, string Annotator, string Label, double? Confidence = null, DateTimeOffset? Time = null);

/// <summary>A problem with one row of a label file; <paramref name="Line"/> is 1-based in the file.</summary>
public sealed record LabelImportError(int Line, string Message);

/// <summary>
/// The outcome of a label import: all rows, or none and every row's problems. A partial import would
/// silently bias consensus towards whichever annotators' rows happened to parse.
/// </summary>
public sealed record LabelImportResult(IReadOnlyList<AnnotationRecord> Records, IReadOnlyList<LabelImportError> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}
