namespace Orchestrator.Ml.Data;

/// <summary>
/// One image as a source delivers it: the stored bytes plus what the source knows about it. A source
/// that cannot produce an item's bytes (a truncated CIFAR record) sets <see cref="Problem"/> instead,
/// so the corrupt-image report lists it rather than the whole load failing. A multi-label source sets
/// <see cref="Labels"/> (the item's label set) and <see cref="Label"/> to the set joined with '|'.
/// </summary>
public sealed record SourceImage(
    string ItemId, string Label, IReadOnlyDictionary<string, string> Slices, byte[] Content, string? Problem = null, IReadOnlyList<string>? Labels = null);

/// <summary>Where a dataset's images come from: an image folder, CIFAR-10 batches, the synthetic generator.</summary>
public interface IImageSource
{
    /// <summary>Recorded in the manifest's Source field: kind and parameters, never credentials.</summary>
    string Description { get; }

    /// <summary>The label vocabulary when the source fixes it (CIFAR-10, synthetic); null to use the labels seen.</summary>
    IReadOnlyList<string>? Classes { get; }

    /// <summary>Single-label unless the source delivers label sets.</summary>
    Contracts.TaskKind Task => Contracts.TaskKind.SingleLabel;

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

/// <summary>
/// A directory on local disk as an <see cref="IFileTree"/>. Symbolic links inside it are neither listed nor followed
/// (a link could point out of the directory an operator offered), and every file is read by its canonical path
/// (<see cref="LocalDataRoots.Canonical"/>) and only when that lies inside the tree.
/// </summary>
public sealed class LocalFileTree(string root) : IFileTree
{
    private readonly string _root = LocalDataRoots.Canonical(root);

    public async IAsyncEnumerable<string> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = false };
        foreach (var file in Directory.EnumerateFiles(_root, "*", options))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Path.GetRelativePath(_root, file).Replace(Path.DirectorySeparatorChar, '/');
        }
    }

    public Task<byte[]> ReadAllBytesAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full;
        try
        {
            full = LocalDataRoots.Canonical(Path.Combine(_root, path));
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"'{path}' is outside the tree.", nameof(path), e);
        }

        return full != _root && LocalDataRoots.IsWithin(full, _root)
            ? File.ReadAllBytesAsync(full, cancellationToken)
            : throw new ArgumentException($"'{path}' is outside the tree.", nameof(path));
    }
}
