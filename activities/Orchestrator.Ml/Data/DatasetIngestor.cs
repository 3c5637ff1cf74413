using Orchestrator.Contracts;
using Orchestrator.Ml.Quality;

namespace Orchestrator.Ml.Data;

/// <summary>An image that could not be read or decoded, reported instead of failing the load.</summary>
public sealed record CorruptImage(string ItemId, string Reason);

/// <summary>The dataset version built from a source, plus the images left out of it and why.</summary>
public sealed record IngestResult(DatasetManifest Manifest, IReadOnlyList<CorruptImage> Corrupt)
{
    /// <summary>Corrupt images as a share of everything the source delivered (0 for an empty source).</summary>
    public double CorruptFraction => Manifest.Items.Count + Corrupt.Count == 0 ? 0 : Corrupt.Count / (double)(Manifest.Items.Count + Corrupt.Count);
}

/// <summary>Receives each good image's bytes under its digest (content-addressed Blob Storage in the activities).</summary>
public interface IContentSink
{
    ValueTask StoreAsync(string digest, byte[] content, CancellationToken cancellationToken);
}

/// <summary>
/// Turns a source into a dataset version: digest, decode check and perceptual hash per image. Whether
/// the corrupt images fail the stage is the QC policy's call, not the loader's.
/// </summary>
public static class DatasetIngestor
{
    public static async Task<IngestResult> IngestAsync(
        IImageSource source, string name, DatasetTerms terms, IContentSink? sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var items = new List<ManifestItem>();
        var corrupt = new List<CorruptImage>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var image in source.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!seen.Add(image.ItemId))
            {
                corrupt.Add(new CorruptImage(image.ItemId, "duplicate item id"));
                continue;
            }

            if (image.Problem is not null)
            {
                corrupt.Add(new CorruptImage(image.ItemId, image.Problem));
                continue;
            }

            if (!ImageCodec.TryDecode(image.Content, out var pixels, out var error))
            {
                corrupt.Add(new CorruptImage(image.ItemId, error!));
                continue;
            }

            var digest = Digest.Of(image.Content).ToString();
            if (sink is not null)
            {
                await sink.StoreAsync(digest, image.Content, cancellationToken).ConfigureAwait(false);
            }

            items.Add(new ManifestItem(image.ItemId, digest, image.Content.LongLength, image.Label, image.Slices,
                PerceptualHash.Format(PerceptualHash.DHash(pixels!)), image.Labels));
        }

        var seenLabels = source.Task == TaskKind.MultiLabel ? items.SelectMany(i => i.Labels ?? []) : items.Select(i => i.Label);
        var classes = source.Classes ?? [.. seenLabels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        return new IngestResult(new DatasetManifest(name, source.Description, classes, terms, items, source.Task), corrupt);
    }
}
