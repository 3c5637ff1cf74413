using System.Globalization;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Orchestrator.Activities.Common;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Ml.Data;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Operations.Runs;
using Orchestrator.Workflows.Acquire;
using Temporalio.Activities;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Acquire;

/// <summary>
/// The acquire stage: reads a source, stores every good image and the canonical manifest content-addressed,
/// and records DatasetAcquired once. Re-running with the same source writes the same blobs (same digests),
/// so a retried attempt is harmless. Image folders and CIFAR-10 batches are read from a Blob Storage prefix
/// (<c>blob://container/prefix</c>, in the account of <paramref name="artifacts"/>) or from a local directory.
/// </summary>
/// <param name="store">Where images and the manifest are stored.</param>
/// <param name="audit">Records the stage's audit event.</param>
/// <param name="artifacts">The worker's artifact container; its account resolves blob locations (null: local directories only).</param>
/// <param name="roots">The local directories this worker may read (null: none, so only blob locations).</param>
public sealed class AcquireActivities(BlobArtifactStore store, StageAudit audit, BlobContainerClient? artifacts = null, LocalDataRoots? roots = null) : IAcquireActivities
{
    /// <summary>Media type of the canonical manifest document.</summary>
    public const string ManifestMediaType = "application/vnd.orchestrator.manifest.v1+json";

    public async Task<DatasetVersion> AcquireAsync(IAcquireActivities.Input input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var cancellationToken = ActivityExecutionContext.Current.CancellationToken;
        var source = await CreateSourceAsync(input.Source, cancellationToken).ConfigureAwait(false);
        var terms = new DatasetTerms(input.Source.Licence, input.Source.Consent, input.Source.Retention);
        IngestResult result;
        try
        {
            result = await DatasetIngestor.IngestAsync(source, input.Source.Kind, terms, new BlobSink(store), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
        {
            // The location is wrong, not the worker: a retry would fail the same way.
            throw InvalidSource(e);
        }

        var manifest = result.Manifest;
        var sliceFile = await SliceFileAsync(input.Source, cancellationToken).ConfigureAwait(false);
        if (sliceFile is { } file)
        {
            try
            {
                manifest = SliceMetadata.Apply(manifest, SliceMetadata.Parse(file.Content, file.Path));
            }
            catch (InvalidDataException e)
            {
                throw InvalidSource(e);
            }
        }

        // The slice file is stored content-addressed beside the manifest (whose items now carry its attributes) and named in the audit event.
        var slices = sliceFile is { } f ? await store.PutAsync(f.Content, SliceMetadata.MediaType(f.Path), cancellationToken).ConfigureAwait(false) : null;

        var stored = await store.PutAsync(ManifestJson.ToCanonicalBytes(manifest), ManifestMediaType, cancellationToken).ConfigureAwait(false);
        var classCounts = manifest.Classes.ToDictionary(c => c, c => manifest.Items.Count(i => i.Labels?.Contains(c, StringComparer.Ordinal) ?? i.Label == c), StringComparer.Ordinal);
        await audit.RecordAsync(input.RunId,
            new DatasetAcquired(manifest.Source, stored.Digest, manifest.Items.Count, classCounts, terms.Licence, terms.Retention),
            "dataset-acquired",
            [
                StageAudit.Evidence("dataset-manifest", stored.Digest, stored.Uri),
                .. slices is null ? Array.Empty<Orchestrator.Audit.Events.EvidenceDigest>() : [StageAudit.Evidence("slice-metadata", slices.Digest, slices.Uri)],
            ]).ConfigureAwait(false);
        return new DatasetVersion(stored.Digest, stored.Uri, manifest.Items.Count, manifest.Classes, result.Corrupt.Count,
            [.. result.Corrupt.Take(IAcquireActivities.MaxReportedCorrupt).Select(c => $"{c.ItemId}: {c.Reason}")], slices?.Digest);
    }

    /// <summary>The source's slice metadata file (parameter "slices": a .csv or .jsonl path inside the source's location), or null.</summary>
    private async Task<(string Path, byte[] Content)?> SliceFileAsync(DatasetSource source, CancellationToken cancellationToken)
    {
        if (!source.Parameters.TryGetValue(IAcquireActivities.SlicesParameter, out var path))
        {
            return null;
        }

        try
        {
            if (source.Kind == "synthetic")
            {
                throw new ArgumentException("A synthetic source carries its own slices; a slice file applies to image-folder and cifar10 sources.");
            }

            return (path, await Tree(source).ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or InvalidDataException
            or Azure.RequestFailedException)
        {
            throw InvalidSource(e);
        }
    }

    private async Task<IImageSource> CreateSourceAsync(DatasetSource source, CancellationToken cancellationToken)
    {
        try
        {
            return source.Kind switch
            {
                "synthetic" => new SyntheticShapesSource(SyntheticParameters.Parse(source.Parameters)),
                "image-folder" => new ImageFolderSource(Tree(source), $"image-folder:{source.Location}"),
                "cifar10" => await Cifar10Source.OpenAsync(Tree(source), cancellationToken).ConfigureAwait(false),
                IAcquireActivities.MultiLabelKind => MultiLabel(source),
                _ => throw new ArgumentException($"Unknown dataset source kind '{source.Kind}': use \"synthetic\", \"image-folder\", \"cifar10\" or \"{IAcquireActivities.MultiLabelKind}\"."),
            };
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException or DirectoryNotFoundException or InvalidDataException or UnauthorizedAccessException)
        {
            throw InvalidSource(e);
        }
    }

    /// <summary>A multi-label source: parameter "labels" names its label file, "delimiter" the labels column's separator, "classes" (comma-separated) its vocabulary.</summary>
    private MultiLabelFolderSource MultiLabel(DatasetSource source)
    {
        var labels = source.Parameters.GetValueOrDefault(IAcquireActivities.LabelsParameter)
            ?? throw new ArgumentException($"A {IAcquireActivities.MultiLabelKind} source needs the parameter \"{IAcquireActivities.LabelsParameter}\": its label file (.csv or .jsonl) inside the location.");
        var delimiter = source.Parameters.GetValueOrDefault(IAcquireActivities.DelimiterParameter) switch
        {
            null => MultiLabelFile.DefaultDelimiter,
            [var one] when one is not (',' or '"') && !char.IsWhiteSpace(one) => one,
            _ => throw new ArgumentException($"The parameter \"{IAcquireActivities.DelimiterParameter}\" must be one character other than a comma, a quote or a space."),
        };
        var classes = source.Parameters.GetValueOrDefault(IAcquireActivities.ClassesParameter) is { } list
            ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : null;
        return new MultiLabelFolderSource(Tree(source), labels, delimiter, classes, $"{IAcquireActivities.MultiLabelKind}:{source.Location}");
    }

    private static ApplicationFailureException InvalidSource(Exception e) =>
        new($"Invalid dataset source: {e.Message}", e, "InvalidInput", nonRetryable: true);

    /// <summary>A blob prefix in the worker's storage account, or a directory the worker can see.</summary>
    private IFileTree Tree(DatasetSource source)
    {
        if (BlobFileTree.IsBlobLocation(source.Location))
        {
            return artifacts is not null
                ? BlobFileTree.Open(artifacts.GetParentBlobServiceClient(), source.Location!)
                : throw new ArgumentException($"The {source.Kind} source at '{source.Location}' needs Blob Storage, which this worker was not given.");
        }

        if (string.IsNullOrEmpty(source.Location))
        {
            throw new ArgumentException($"The {source.Kind} source needs Location: {BlobFileTree.Scheme}<container>/<prefix> or a directory under a local data root.");
        }

        // The root check comes first, so whether a path outside the roots exists is never told.
        var directory = (roots ?? LocalDataRoots.None).Resolve(source.Location);
        return Directory.Exists(directory)
            ? new LocalFileTree(directory)
            : throw new ArgumentException($"The {source.Kind} source needs Location to be {BlobFileTree.Scheme}<container>/<prefix> or an existing directory; '{source.Location}' is neither.");
    }

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
