using System.Globalization;
using Orchestrator.Activities.Artifacts;
using Orchestrator.Activities.Common;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Ml.Data;
using Orchestrator.Workflows.Acquire;
using Temporalio.Activities;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Acquire;

/// <summary>
/// The acquire stage: reads a source, stores every good image and the canonical manifest content-addressed,
/// and records DatasetAcquired once. Re-running with the same source writes the same blobs (same digests),
/// so a retried attempt is harmless.
/// </summary>
public sealed class AcquireActivities(BlobArtifactStore store, StageAudit audit)
{
    /// <summary>Media type of the canonical manifest document.</summary>
    public const string ManifestMediaType = "application/vnd.orchestrator.manifest.v1+json";

    [Activity(AcquireActivity.Name)]
    public async Task<DatasetVersion> AcquireAsync(AcquireActivity.Input input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var cancellationToken = ActivityExecutionContext.Current.CancellationToken;
        var source = CreateSource(input.Source);
        var terms = new DatasetTerms(input.Source.Licence, input.Source.Consent, input.Source.Retention);
        var result = await DatasetIngestor.IngestAsync(source, input.Source.Kind, terms, new BlobSink(store), cancellationToken).ConfigureAwait(false);
        var manifest = result.Manifest;

        var stored = await store.PutAsync(ManifestJson.ToCanonicalBytes(manifest), ManifestMediaType, cancellationToken).ConfigureAwait(false);
        var classCounts = manifest.Classes.ToDictionary(c => c, c => manifest.Items.Count(i => i.Label == c), StringComparer.Ordinal);
        await audit.RecordAsync(input.RunId,
            new DatasetAcquired(manifest.Source, stored.Digest, manifest.Items.Count, classCounts, terms.Licence, terms.Retention),
            "dataset-acquired", [StageAudit.Evidence("dataset-manifest", stored.Digest, stored.Uri)]).ConfigureAwait(false);
        return new DatasetVersion(stored.Digest, stored.Uri, manifest.Items.Count, manifest.Classes, result.Corrupt.Count);
    }

    private static IImageSource CreateSource(DatasetSource source)
    {
        try
        {
            return source.Kind switch
            {
                "synthetic" => new SyntheticShapesSource(SyntheticParameters.Parse(source.Parameters)),
                "image-folder" => new ImageFolderSource(LocalTree(source), $"image-folder:{source.Location}"),
                "cifar10" => new Cifar10Source(LocalTree(source)),
                _ => throw new ArgumentException($"Unknown dataset source kind '{source.Kind}': use \"synthetic\", \"image-folder\" or \"cifar10\"."),
            };
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            throw new ApplicationFailureException($"Invalid dataset source: {e.Message}", e, "InvalidInput", nonRetryable: true);
        }
    }

    /// <summary>Image folders and CIFAR-10 batches are read from a directory the worker can see.</summary>
    private static LocalFileTree LocalTree(DatasetSource source) =>
        Directory.Exists(source.Location)
            ? new LocalFileTree(source.Location)
            : throw new ArgumentException($"The {source.Kind} source needs Location to be an existing directory; '{source.Location}' is not one.");

    /// <summary>Stores each image under its digest and heartbeats, so a long acquisition is not mistaken for a dead worker.</summary>
    private sealed class BlobSink(BlobArtifactStore store) : IContentSink
    {
        private int _stored;

        public async ValueTask StoreAsync(string digest, byte[] content, CancellationToken cancellationToken)
        {
            var stored = await store.PutAsync(content, "image/png", cancellationToken).ConfigureAwait(false);
            if (stored.Digest != digest)
            {
                throw new InvalidOperationException($"Stored image hashed to {stored.Digest}, expected {digest}.");
            }

            _stored++;
            ActivityExecutionContext.Current.Heartbeat(_stored.ToString(CultureInfo.InvariantCulture));
        }
    }
}
