using Orchestrator.Workflows.Acquire;
using Temporalio.Activities;

namespace Orchestrator.Workflows.Annotate;

/// <summary>Where labels come from.</summary>
/// <param name="Kind">"simulated", "csv" or "jsonl".</param>
/// <param name="Location">Blob or path of the label file; null when simulated.</param>
/// <param name="Parameters">Simulator options (annotators, accuracy, seed) or import options.</param>
public sealed record AnnotationSource(string Kind, string? Location, IReadOnlyDictionary<string, string> Parameters);

/// <summary>The consensus labels of a dataset version, stored content-addressed.</summary>
/// <param name="LabelSetDigest">"sha256:..." of the consensus labels (JSON Lines, one {"itemId","label"} per line).</param>
/// <param name="LabelSetUri">Where the consensus labels are stored.</param>
/// <param name="Annotators">Who labelled.</param>
/// <param name="AnnotationCount">Individual labels given.</param>
/// <param name="DisagreementCount">Items flagged for disagreement.</param>
/// <param name="AnnotationsDigest">"sha256:..." of the individual annotations (JSON Lines, one {"itemId","annotator","label"}
/// per line) the consensus came from, so QC can measure agreement; null when not stored.</param>
public sealed record LabelSet(
    string LabelSetDigest, string LabelSetUri, IReadOnlyList<string> Annotators, int AnnotationCount, int DisagreementCount, string? AnnotationsDigest = null);

/// <summary>The annotate stage's activity.</summary>
public interface IAnnotateActivities
{
    /// <summary>The activity type name (recorded in every history: never change it).</summary>
    public const string Name = "Annotate";

    /// <summary>Import (or simulate) annotations and compute consensus; <paramref name="Round"/> counts re-annotations.</summary>
    public sealed record Input(string RunId, DatasetVersion Dataset, AnnotationSource Source, int Round);

    /// <summary>Stores the individual annotations and the consensus labels, and records AnnotationsImported.</summary>
    [Activity(Name)]
    Task<LabelSet> AnnotateAsync(Input input);
}
