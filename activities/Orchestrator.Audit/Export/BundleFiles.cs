using System.IO.Compression;
using System.Security.Cryptography;

namespace Orchestrator.Audit.Export;

/// <summary>Reads the files of a bundle directory or zip alike; only the names the format defines are ever opened.</summary>
internal sealed class BundleFiles : IDisposable
{
    private readonly string? _directory;
    private readonly ZipArchive? _zip;

    private BundleFiles(string? directory, ZipArchive? zip)
    {
        _directory = directory;
        _zip = zip;
    }

    /// <exception cref="BundleUnreadableException">Nothing is at <paramref name="path"/>, or it is a file but not a zip.</exception>
    public static BundleFiles At(string path)
    {
        if (Directory.Exists(path))
        {
            return new BundleFiles(path, null);
        }

        if (!File.Exists(path))
        {
            throw new BundleUnreadableException($"no bundle directory or zip at '{path}'");
        }

        try
        {
            return new BundleFiles(null, ZipFile.OpenRead(path));
        }
        catch (InvalidDataException e)
        {
            throw new BundleUnreadableException($"'{path}' is neither a bundle directory nor a zip file", e);
        }
    }

    public bool Exists(string name) => _zip is null ? File.Exists(Path.Combine(_directory!, name)) : _zip.GetEntry(name) is not null;

    public Stream Open(string name)
    {
        try
        {
            return _zip is null ? File.OpenRead(Path.Combine(_directory!, name)) : _zip.GetEntry(name)!.Open();
        }
        catch (InvalidDataException e)
        {
            throw new BundleUnreadableException($"{name} cannot be read from the zip: {e.Message}", e);
        }
    }

    public async Task<byte[]> ReadAllAsync(string name, CancellationToken cancellationToken)
    {
        await using var stream = Open(name);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        return copy.ToArray();
    }

    /// <summary>The file's bytes; a missing file makes the bundle unreadable, naming it.</summary>
    public Task<byte[]> ReadRequiredAsync(string name, CancellationToken cancellationToken) =>
        Exists(name) ? ReadAllAsync(name, cancellationToken) : throw new BundleUnreadableException($"the bundle has no {name}");

    /// <summary>Lowercase hex SHA-256 of the file, streamed; null when it is missing.</summary>
    public async Task<string?> DigestAsync(string name, CancellationToken cancellationToken)
    {
        if (!Exists(name))
        {
            return null;
        }

        await using var stream = Open(name);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }

    public void Dispose() => _zip?.Dispose();
}
