using System.Text.Json;
using Azure.Storage.Blobs;

namespace Orchestrator.Operations.BaseModels;

/// <summary>
/// Weights files in Blob Storage (blob://container/path): downloaded into a scratch directory for the importer, a sharded
/// checkpoint's index with the shards its weight_map names (beside it, as on disk).
/// </summary>
internal static class BlobWeights
{
    public const string Scheme = "blob://";
    private const string IndexSuffix = ".safetensors.index.json";

    /// <summary>Downloads the file at <paramref name="location"/> (and its shards) into <paramref name="directory"/>; returns the local path of the file.</summary>
    public static async Task<string> DownloadAsync(BlobServiceClient account, string location, string directory, CancellationToken cancellationToken)
    {
        var rest = location[Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == rest.Length - 1)
        {
            throw new ArgumentException($"'{location}' is not a {Scheme}<container>/<path> location.", nameof(location));
        }

        var container = account.GetBlobContainerClient(rest[..slash]);
        var blobPath = rest[(slash + 1)..];
        var folder = blobPath.Contains('/', StringComparison.Ordinal) ? blobPath[..(blobPath.LastIndexOf('/') + 1)] : "";
        var file = await DownloadOneAsync(container, blobPath, directory, cancellationToken).ConfigureAwait(false);
        if (blobPath.EndsWith(IndexSuffix, StringComparison.Ordinal))
        {
            foreach (var shard in Shards(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false)))
            {
                // A shard name with a path in it is refused by the importer; it is not fetched from elsewhere here either.
                if (shard.Contains('/', StringComparison.Ordinal) || shard.Contains('\\', StringComparison.Ordinal) || shard is "." or "..")
                {
                    throw new InvalidDataException($"The index names the shard '{shard}', which is not a file beside it.");
                }

                await DownloadOneAsync(container, folder + shard, directory, cancellationToken).ConfigureAwait(false);
            }
        }

        return file;
    }

    private static async Task<string> DownloadOneAsync(BlobContainerClient container, string blobPath, string directory, CancellationToken cancellationToken)
    {
        var target = Path.Combine(directory, Path.GetFileName(blobPath));
        await container.GetBlobClient(blobPath).DownloadToAsync(target, cancellationToken).ConfigureAwait(false);
        return target;
    }

    private static IEnumerable<string> Shards(byte[] index)
    {
        using var json = JsonDocument.Parse(index);
        return json.RootElement.TryGetProperty("weight_map", out var map) && map.ValueKind == JsonValueKind.Object
            ? [.. map.EnumerateObject().Select(p => p.Value.GetString() ?? "").Distinct(StringComparer.Ordinal)]
            : [];
    }
}
