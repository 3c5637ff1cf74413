using Azure;
using Azure.Storage.Blobs;
using Orchestrator.Ml.Data;

namespace Orchestrator.Activities.Acquire;

/// <summary>
/// The blobs under a prefix of a Blob Storage container as an <see cref="IFileTree"/>, so the image-folder
/// and CIFAR-10 loaders read Blob Storage exactly as they read a local directory. Locations are written
/// <c>blob://&lt;container&gt;/&lt;prefix&gt;</c> and resolve in the worker's own storage account.
/// </summary>
public sealed class BlobFileTree : IFileTree
{
    /// <summary>The scheme that marks a dataset location as a Blob Storage prefix rather than a local path.</summary>
    public const string Scheme = "blob://";

    private readonly string _prefix;

    /// <summary>The blobs of <paramref name="container"/> whose names start with <paramref name="prefix"/> (a folder; "" for all).</summary>
    public BlobFileTree(BlobContainerClient container, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(prefix);
        Container = container;
        prefix = prefix.Trim('/');
        _prefix = prefix.Length == 0 ? "" : prefix + "/";
    }

    /// <summary>The container read.</summary>
    public BlobContainerClient Container { get; }

    /// <summary>Whether <paramref name="location"/> names a Blob Storage prefix.</summary>
    public static bool IsBlobLocation(string? location) => location?.StartsWith(Scheme, StringComparison.Ordinal) == true;

    /// <summary>The tree a <c>blob://container/prefix</c> location names in <paramref name="account"/>.</summary>
    /// <exception cref="ArgumentException">The location is not of that form or names an invalid container.</exception>
    public static BlobFileTree Open(BlobServiceClient account, string location)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (!IsBlobLocation(location))
        {
            throw new ArgumentException($"'{location}' is not a {Scheme}<container>/<prefix> location.", nameof(location));
        }

        var rest = location[Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? rest : rest[..slash];
        // Blob Storage's container naming rule; checked here so a typo fails as bad input, not as a 400 from the service.
        if (name.Length is < 3 or > 63 || !name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') || name.StartsWith('-') || name.Contains("--", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' in '{location}' is not a valid blob container name.", nameof(location));
        }

        return new BlobFileTree(account.GetBlobContainerClient(name), slash < 0 ? "" : rest[(slash + 1)..]);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pages = Container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = _prefix.Length == 0 ? null : _prefix }, cancellationToken);
        await using var blobs = pages.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await blobs.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                throw new DirectoryNotFoundException($"The blob container '{Container.Name}' does not exist.", e);
            }

            yield return blobs.Current.Name[_prefix.Length..];
        }
    }

    /// <inheritdoc />
    public async Task<byte[]> ReadAllBytesAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path.Split('/').Any(s => s is ".." or "."))
        {
            throw new ArgumentException($"'{path}' is outside the tree.", nameof(path));
        }

        try
        {
            var content = await Container.GetBlobClient(_prefix + path).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return content.Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new FileNotFoundException($"No blob '{_prefix + path}' in container '{Container.Name}'.", path, e);
        }
    }
}
