namespace Orchestrator.Ml.Data;

/// <summary>
/// One image as a source delivers it: the stored bytes plus what the source knows about it. A source
/// that cannot produce an item's bytes (a truncated CIFAR record) sets <see cref="Problem"/> instead,
/// so the corrupt-image report lists it rather than the whole load failing.
/// </summary>
public sealed record SourceImage(string ItemId, string Label, IReadOnlyDictionary<string, string> Slices, byte[] Content, string? Problem = null);

/// <summary>Where a dataset's images come from: an image folder, CIFAR-10 batches, the synthetic generator.</summary>
public interface IImageSource
{
    /// <summary>Recorded in the manifest's Source field: kind and parameters, never credentials.</summary>
    string Description { get; }

    /// <summary>The label vocabulary when the source fixes it (CIFAR-10, synthetic); null to use the labels seen.</summary>
    IReadOnlyList<string>? Classes { get; }

    /// <summary>The images, in a deterministic order.</summary>
    IAsyncEnumerable<SourceImage> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Read-only access to a tree of files: local disk here, Blob Storage (a container prefix) in the
/// activities. Loaders only see this, so they work unchanged on both.
/// </summary>
public interface IFileTree
{
    /// <summary>Every file below the root as a relative path with '/' separators.</summary>
    IAsyncEnumerable<string> ListAsync(CancellationToken cancellationToken);

    /// <summary>The whole content of the file at <paramref name="path"/> (as returned by <see cref="ListAsync"/>).</summary>
    Task<byte[]> ReadAllBytesAsync(string path, CancellationToken cancellationToken);
}

/// <summary>A directory on local disk as an <see cref="IFileTree"/>.</summary>
public sealed class LocalFileTree(string root) : IFileTree
{
    private readonly string _root = Path.GetFullPath(root);

    public async IAsyncEnumerable<string> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var file in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Path.GetRelativePath(_root, file).Replace(Path.DirectorySeparatorChar, '/');
        }
    }

    public Task<byte[]> ReadAllBytesAsync(string path, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(Path.Combine(_root, path));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{path}' is outside the tree.", nameof(path));
        }

        return File.ReadAllBytesAsync(full, cancellationToken);
    }
}
