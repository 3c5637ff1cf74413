namespace Orchestrator.Ml.Data;

/// <summary>
/// The image-folder layout: class/…/file.png. The first path segment is the label. Every non-hidden file
/// under a class folder is treated as an image, so a stray non-image is reported as corrupt rather than
/// silently dropped; files at the root and hidden files (".DS_Store") are ignored.
/// Up to <c>readAhead</c> reads are in flight while earlier images are decoded: on Blob Storage each
/// read is a round trip, and waiting for them one by one would leave the CPU idle.
/// </summary>
public sealed class ImageFolderSource(IFileTree tree, string description = "image-folder", int readAhead = 16) : IImageSource
{
    private static readonly IReadOnlyDictionary<string, string> NoSlices = new Dictionary<string, string>();

    public string Description { get; } = description;

    /// <summary>Null: the classes are the folders that hold images.</summary>
    public IReadOnlyList<string>? Classes => null;

    public async IAsyncEnumerable<SourceImage> ReadAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var paths = new List<string>();
        await foreach (var path in tree.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            var segments = path.Split('/');
            if (segments.Length >= 2 && !segments.Any(s => s.StartsWith('.')))
            {
                paths.Add(path);
            }
        }

        // Listing order differs between disks and blob stores; the manifest must not.
        paths.Sort(StringComparer.Ordinal);
        var pending = new Queue<(string Path, Task<byte[]> Read)>();
        var next = 0;
        while (next < paths.Count || pending.Count > 0)
        {
            while (next < paths.Count && pending.Count < Math.Max(1, readAhead))
            {
                pending.Enqueue((paths[next], tree.ReadAllBytesAsync(paths[next], cancellationToken)));
                next++;
            }

            var (path, read) = pending.Dequeue();
            var content = await read.ConfigureAwait(false);
            yield return new SourceImage(path, path[..path.IndexOf('/', StringComparison.Ordinal)], NoSlices, content);
        }
    }
}
