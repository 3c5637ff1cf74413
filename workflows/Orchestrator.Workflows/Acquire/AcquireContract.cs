using Temporalio.Activities;

namespace Orchestrator.Workflows.Acquire;

/// <summary>Where a run's images come from.</summary>
/// <param name="Kind">"synthetic", "image-folder", "cifar10" or "multi-label".</param>
/// <param name="Location">For image-folder and cifar10: a Blob Storage prefix "blob://&lt;container&gt;/&lt;prefix&gt;" in the worker's storage account, or a directory the worker can see; null for synthetic.</param>
/// <param name="Parameters">Source options (synthetic: seed, count, image-size, classes, drift...; image-folder and cifar10: "slices", a slice metadata file inside the location).</param>
/// <param name="Licence">Licence of the data.</param>
/// <param name="Consent">Consent basis of the data.</param>
/// <param name="Retention">Retention rule, e.g. "P7Y".</param>
public sealed record DatasetSource(
    string Kind, string? Location, IReadOnlyDictionary<string, string> Parameters, string Licence, string Consent, string Retention);

/// <summary>A dataset version: its manifest is stored content-addressed and its digest names the version.</summary>
/// <param name="ManifestDigest">Digest of the canonical manifest; names the version.</param>
/// <param name="ManifestUri">Where the manifest is stored.</param>
/// <param name="ItemCount">Images in the version.</param>
/// <param name="Classes">The label vocabulary.</param>
/// <param name="CorruptCount">Images the source delivered that could not be read or decoded (left out).</param>
/// <param name="CorruptItems">The first of those as "item id: reason" (at most <see cref="IAcquireActivities.MaxReportedCorrupt"/>, to keep the payload small); null from versions recorded before it existed.</param>
/// <param name="SliceMetadataDigest">The slice metadata file registered with the source (parameter "slices"), stored content-addressed; its attributes are the items' slices in the manifest. Null: none.</param>
public sealed record DatasetVersion(
    string ManifestDigest, string ManifestUri, int ItemCount, IReadOnlyList<string> Classes, int CorruptCount, IReadOnlyList<string>? CorruptItems = null,
    string? SliceMetadataDigest = null);

/// <summary>The acquire stage's activity.</summary>
public interface IAcquireActivities
{
    /// <summary>The activity type name (recorded in every history: never change it).</summary>
    public const string Name = "Acquire";

    /// <summary>The source parameter naming a slice metadata file (.csv or .jsonl) inside the source's location.</summary>
    public const string SlicesParameter = "slices";

    /// <summary>The source kind of a multi-label dataset: images under the location plus a label file naming each image's labels.</summary>
    public const string MultiLabelKind = "multi-label";

    /// <summary>A multi-label source's label file (.csv with columns path,labels, or .jsonl with path and a labels array) inside its location.</summary>
    public const string LabelsParameter = "labels";

    /// <summary>The separator of a multi-label CSV's labels column ("|" when absent).</summary>
    public const string DelimiterParameter = "delimiter";

    /// <summary>A multi-label source's vocabulary, comma-separated; absent: the labels the file uses.</summary>
    public const string ClassesParameter = "classes";

    /// <summary>How many corrupt items a <see cref="DatasetVersion"/> names; the count is always complete.</summary>
    public const int MaxReportedCorrupt = 100;

    /// <summary>Acquire a dataset version for a run.</summary>
    public sealed record Input(string RunId, DatasetSource Source, string PolicyDigest);

    /// <summary>Reads the source, stores every image and the manifest content-addressed, and records DatasetAcquired.</summary>
    [Activity(Name)]
    Task<DatasetVersion> AcquireAsync(Input input);
}
