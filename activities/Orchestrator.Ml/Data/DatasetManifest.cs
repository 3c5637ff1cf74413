using Orchestrator.Contracts;

namespace Orchestrator.Ml.Data;

/// <summary>One image of a dataset version.</summary>
/// <param name="ItemId">Stable id within the dataset (file path, CIFAR record, synthetic index).</param>
/// <param name="ContentDigest">sha256 of the stored image bytes; also the blob name.</param>
/// <param name="ByteSize">Length of the stored bytes.</param>
/// <param name="Label">Class from the source (folder name, CIFAR label, generator); annotation may revise it.</param>
/// <param name="Slices">Slice attributes (for example lighting=night) for per-slice counts and metrics.</param>
/// <param name="PerceptualHash">64-bit dHash as 16 hex digits, so near-duplicate checks need not re-read images.</param>
/// <param name="Labels">A multi-label dataset's label set for the item (sorted, possibly empty); null in a single-label dataset,
/// where <paramref name="Label"/> is the class. In a multi-label dataset <paramref name="Label"/> is the set joined with '|',
/// a stratum for splitting, not a class.</param>
public sealed record ManifestItem(
    string ItemId,
    string ContentDigest,
    long ByteSize,
    string Label,
    IReadOnlyDictionary<string, string> Slices,
    string PerceptualHash,
    IReadOnlyList<string>? Labels = null);

/// <summary>Terms under which the data may be used, recorded with every dataset version and in its audit event.</summary>
/// <param name="Licence">Licence of the images (an SPDX id where one exists, else the licence's name or URL).</param>
/// <param name="Consent">Basis on which people depicted or contributing agreed to the use ("not-applicable: synthetic").</param>
/// <param name="Retention">How long the data may be kept, as an ISO 8601 duration (for example "P3Y").</param>
public sealed record DatasetTerms(string Licence, string Consent, string Retention);

/// <summary>
/// A dataset version: the list of items plus what they are and under which terms. Its canonical JSON
/// (<see cref="ManifestJson"/>) is stored content-addressed and its digest names the version.
/// </summary>
/// <param name="Name">Dataset name (the same across versions).</param>
/// <param name="Source">Where it came from ("synthetic:seed=7,...", "image-folder:...", "cifar10:...").</param>
/// <param name="Classes">The label vocabulary, in class-index order.</param>
/// <param name="Terms">Licence, consent and retention.</param>
/// <param name="Items">The images; order does not matter (the canonical form sorts them by id).</param>
/// <param name="Task">Single-label (each item's Label is its class) or multi-label (each item's Labels, drawn from Classes).</param>
public sealed record DatasetManifest(
    string Name,
    string Source,
    IReadOnlyList<string> Classes,
    DatasetTerms Terms,
    IReadOnlyList<ManifestItem> Items,
    TaskKind Task = TaskKind.SingleLabel)
{
    /// <summary>The version name: the digest of the canonical JSON.</summary>
    public string Digest() => Contracts.Digest.Of(ManifestJson.ToCanonicalBytes(this)).ToString();
}
