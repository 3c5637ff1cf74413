using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Orchestrator.Contracts;

namespace Orchestrator.Operations.Artifacts;

/// <summary>
/// Content-addressed artifact storage in Azure Blob Storage: a blob's name is its SHA-256, so a
/// retried upload of the same bytes is a no-op and a download can be verified against its name.
/// </summary>
public sealed class BlobArtifactStore(BlobContainerClient container)
{
    /// <summary>Stores <paramref name="content"/> (read to the end) and returns its reference.</summary>
    public async Task<ArtifactRef> PutAsync(Stream content, string mediaType, CancellationToken cancellationToken = default)
    {
        // Hash while spooling to a temporary file: the digest names the blob, so it must be known
        // before the upload, and artifacts (checkpoints, datasets) can be larger than memory wants.
        var spool = Path.Combine(Path.GetTempPath(), $"orchestrator-artifact-{Guid.NewGuid():N}");
        try
        {
            string digest;
            long size;
            await using (var file = new FileStream(spool, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose))
            {
                digest = (await Digest.CopyAsync(content, file, cancellationToken).ConfigureAwait(false)).ToString();
                size = file.Length;
                file.Position = 0;
                var blob = container.GetBlobClient(BlobName(digest));
                try
                {
                    await blob.UploadAsync(file, new BlobUploadOptions
                    {
                        HttpHeaders = new BlobHttpHeaders { ContentType = mediaType },
                        Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    }, cancellationToken).ConfigureAwait(false);
                }
                catch (RequestFailedException e) when (e.Status is 409 or 412)
                {
                    // Already stored: same name, so the same bytes.
                }

                return new ArtifactRef(digest, blob.Uri.ToString(), size, mediaType);
            }
        }
        finally
        {
            File.Delete(spool);
        }
    }

    /// <summary>Stores a byte array.</summary>
    public Task<ArtifactRef> PutAsync(ReadOnlyMemory<byte> content, string mediaType, CancellationToken cancellationToken = default) =>
        PutAsync(new MemoryStream(content.ToArray(), writable: false), mediaType, cancellationToken);

    /// <summary>Downloads an artifact and verifies that its bytes match its digest.</summary>
    /// <exception cref="ArtifactIntegrityException">The stored bytes do not hash to <paramref name="digest"/>.</exception>
    /// <exception cref="ArtifactNotFoundException">No artifact has that digest.</exception>
    public async Task<byte[]> GetAsync(string digest, CancellationToken cancellationToken = default)
    {
        var blob = container.GetBlobClient(BlobName(digest));
        byte[] bytes;
        try
        {
            var result = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            bytes = result.Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new ArtifactNotFoundException(digest);
        }

        var actual = Digest.Of(bytes).ToString();
        if (!string.Equals(actual, digest, StringComparison.Ordinal))
        {
            throw new ArtifactIntegrityException(digest, actual);
        }

        return bytes;
    }

    /// <summary>
    /// Opens an artifact for streaming (the API serves artifacts this way, without holding them in memory).
    /// The returned stream hashes what it reads and throws <see cref="ArtifactIntegrityException"/> at its end
    /// when the bytes do not match the digest, so a reader can never take tampered bytes for the real ones.
    /// </summary>
    /// <exception cref="ArtifactNotFoundException">No artifact has that digest.</exception>
    public async Task<ArtifactDownload> OpenReadAsync(string digest, CancellationToken cancellationToken = default)
    {
        var blob = container.GetBlobClient(BlobName(digest));
        try
        {
            var result = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var details = result.Value.Details;
            return new ArtifactDownload(new VerifyingStream(result.Value.Content, digest), details.ContentType ?? "application/octet-stream", details.ContentLength);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new ArtifactNotFoundException(digest);
        }
    }

    /// <summary>Whether an artifact with this digest is stored.</summary>
    public async Task<bool> ExistsAsync(string digest, CancellationToken cancellationToken = default) =>
        await container.GetBlobClient(BlobName(digest)).ExistsAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>The blob name for a digest: "sha256/ab/abcdef…", fanned out by the first byte.</summary>
    public static string BlobName(string digest)
    {
        if (!Digest.TryParse(digest, out var parsed))
        {
            throw new ArgumentException($"'{digest}' is not a digest of the form {Digest.Prefix}<64 lowercase hex digits>.", nameof(digest));
        }

        var hex = parsed.Hex;
        return $"sha256/{hex[..2]}/{hex}";
    }
}

/// <summary>An opened artifact: its verifying content stream, media type and length in bytes.</summary>
public sealed record ArtifactDownload(Stream Content, string MediaType, long Length) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}

/// <summary>No artifact is stored under the digest.</summary>
public sealed class ArtifactNotFoundException(string digest)
    : Exception($"No artifact is stored under {digest}.")
{
    public string Digest { get; } = digest;
}

/// <summary>The stored bytes do not match the digest they are stored under: storage was tampered with or corrupted.</summary>
public sealed class ArtifactIntegrityException(string expected, string actual)
    : Exception($"Artifact {expected} failed its integrity check: the stored bytes hash to {actual}.")
{
    public string Expected { get; } = expected;

    public string Actual { get; } = actual;
}
