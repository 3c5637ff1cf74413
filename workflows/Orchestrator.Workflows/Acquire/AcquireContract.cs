namespace Orchestrator.Workflows.Acquire;

/// <summary>Where a run's images come from.</summary>
/// <param name="Kind">"synthetic", "image-folder" or "cifar10".</param>
/// <param name="Location">A blob prefix or local path for image-folder and cifar10; null for synthetic.</param>
/// <param name="Parameters">Source options (synthetic: seed, count, image-size, classes, drift...).</param>
/// <param name="Licence">Licence of the data.</param>
/// <param name="Consent">Consent basis of the data.</param>
/// <param name="Retention">Retention rule, e.g. "P7Y".</param>
public sealed record DatasetSource(
    string Kind, string? Location, IReadOnlyDictionary<string, string> Parameters, string Licence, string Consent, string Retention);

/// <summary>A dataset version: its manifest is stored content-addressed and its digest names the version.</summary>
public sealed record DatasetVersion(string ManifestDigest, string ManifestUri, int ItemCount, IReadOnlyList<string> Classes, int CorruptCount);

/// <summary>The acquire stage's activity.</summary>
public static class AcquireActivity
{
    public const string Name = "Acquire";

    /// <summary>Acquire a dataset version for a run.</summary>
    public sealed record Input(string RunId, DatasetSource Source, string PolicyDigest);
}
