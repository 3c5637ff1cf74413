namespace Orchestrator.Ml.Data;

/// <summary>
/// The local directories dataset images and label files may be read from. A location is canonicalised before it is
/// checked (made absolute, every symbolic link on the way resolved, <c>..</c> refused) and the canonical path is what
/// is then read, so neither a relative path, a link inside a root pointing out of it, nor a root given with a trailing
/// separator or a link of its own lets a request read a file the operator did not offer. No roots: nothing local is read.
/// </summary>
public sealed class LocalDataRoots
{
    private const int MaxLinks = 40;

    /// <summary>Roots as given; each is canonicalised (it need not exist yet).</summary>
    public LocalDataRoots(IEnumerable<string> roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        Roots = [.. roots.Where(r => !string.IsNullOrWhiteSpace(r)).Select(Canonical).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>No local reads at all.</summary>
    public static LocalDataRoots None { get; } = new([]);

    /// <summary>The canonical roots.</summary>
    public IReadOnlyList<string> Roots { get; }

    /// <summary>
    /// The canonical path of <paramref name="location"/> when it is a root or lies below one.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">It lies under no root; the message names the location as given, never what it resolves to.</exception>
    public string Resolve(string location)
    {
        ArgumentException.ThrowIfNullOrEmpty(location);
        string canonical;
        try
        {
            canonical = Canonical(location);
        }
        catch (Exception e) when (e is ArgumentException or IOException or NotSupportedException)
        {
            throw new UnauthorizedAccessException($"'{location}' is not a usable local path: {e.Message}", e);
        }

        return Roots.Any(root => IsWithin(canonical, root))
            ? canonical
            : throw new UnauthorizedAccessException(Roots.Count == 0
                ? $"'{location}' is a local path, and this worker reads no local data (Orchestrator:Data:LocalRoots is empty); use a blob:// location."
                : $"'{location}' is not under a local data root of this worker (Orchestrator:Data:LocalRoots).");
    }

    /// <summary>Whether canonical <paramref name="path"/> is <paramref name="root"/> or below it.</summary>
    public static bool IsWithin(string path, string root)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(root);
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        return string.Equals(path, root, comparison) || path.StartsWith(prefix, comparison);
    }

    /// <summary>
    /// The absolute path with every symbolic link resolved, component by component as the kernel does (a link's target
    /// is followed, and its <c>..</c> climbs from the link's resolved directory); components that do not exist are kept
    /// as they are. <c>..</c> in <paramref name="path"/> itself is refused: a location must say where it is.
    /// </summary>
    /// <exception cref="ArgumentException">A <c>..</c> segment, or more than 40 links.</exception>
    public static string Canonical(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path.Split('/', '\\').Contains(".."))
        {
            throw new ArgumentException("'..' segments are not accepted in local paths.", nameof(path));
        }

        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        var pending = new Stack<string>(Segments(full[root.Length..]).Reverse());
        var current = root;
        var links = 0;
        while (pending.TryPop(out var segment))
        {
            if (segment is "" or ".")
            {
                continue;
            }

            if (segment == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }

            var next = Path.Combine(current, segment);
            if (new FileInfo(next).LinkTarget is not { } target)
            {
                current = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                throw new ArgumentException($"More than {MaxLinks} symbolic links in a local path.", nameof(path));
            }

            if (Path.IsPathRooted(target))
            {
                root = Path.GetPathRoot(target)!;
                current = root;
                target = target[root.Length..];
            }

            foreach (var part in Segments(target).Reverse())
            {
                pending.Push(part);
            }
        }

        return current;
    }

    private static string[] Segments(string path) => path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
}
