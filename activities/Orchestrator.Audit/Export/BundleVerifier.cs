using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Verification;

namespace Orchestrator.Audit.Export;

/// <summary>
/// Offline verification of an export bundle (a directory or a zip) with only the public key: no database,
/// no service. Checks the manifest's file digests, the checkpoint chain and signatures, then re-walks and
/// re-hashes every stream against the signed heads. The API's CLI command calls this.
/// </summary>
public static class BundleVerifier
{
    /// <summary>Verifies the bundle at <paramref name="path"/> with <paramref name="publicKeyPem"/> (obtained independently of the bundle).</summary>
    public static async Task<VerificationReport> VerifyAsync(string path, string publicKeyPem, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var bundle = BundleFiles.At(path);
        using var publicKey = CheckpointSigner.ImportPublicKey(publicKeyPem);
        var fileFailures = new List<VerificationFailure>();
        var manifest = JsonSerializer.Deserialize<BundleManifest>(await bundle.ReadAllAsync(BundleManifest.FileName, cancellationToken).ConfigureAwait(false), BundleJson.Options)
            ?? throw new InvalidDataException("The bundle manifest is empty.");
        if (manifest.Format != BundleManifest.FormatName)
        {
            throw new InvalidDataException($"'{path}' is not an {BundleManifest.FormatName} bundle (format '{manifest.Format}').");
        }

        foreach (var (name, digest) in manifest.Files)
        {
            var actual = bundle.Exists(name) ? Convert.ToHexStringLower(SHA256.HashData(await bundle.ReadAllAsync(name, cancellationToken).ConfigureAwait(false))) : "(missing)";
            if (actual != digest)
            {
                fileFailures.Add(new VerificationFailure(FailureKind.BundleFileMismatch, name, null, null, $"the file's SHA-256 is {actual}, the manifest says {digest}"));
            }
        }

        var checkpointWalker = new ChainWalker(CheckpointExpectations.None);
        var checkpointEntries = new List<StoredEntry>();
        await foreach (var entry in ReadLinesAsync(bundle, BundleManifest.CheckpointsFile, cancellationToken).ConfigureAwait(false))
        {
            checkpointEntries.Add(entry);
        }

        var (expectations, checkpoints) = CheckpointVerifier.Verify(checkpointEntries, publicKey, checkpointWalker);
        var walker = new ChainWalker(expectations);
        var declared = manifest.Streams.ToDictionary(s => s.Id, s => s.Version, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        await foreach (var entry in ReadLinesAsync(bundle, BundleManifest.EventsFile, cancellationToken).ConfigureAwait(false))
        {
            if (entry.StreamId != current)
            {
                if (current is not null)
                {
                    walker.End(declared.GetValueOrDefault(current));
                }

                if (!seen.Add(entry.StreamId) || !declared.ContainsKey(entry.StreamId))
                {
                    walker.Report(new VerificationFailure(FailureKind.BundleFileMismatch, entry.StreamId, entry.Version, entry.Sequence,
                        "the stream's entries are not contiguous in events.jsonl or the stream is not in the manifest"));
                }

                current = entry.StreamId;
                walker.Begin(current);
            }

            walker.Check(entry);
        }

        if (current is not null)
        {
            walker.End(declared.GetValueOrDefault(current));
        }

        // Exported streams with no entry at all: everything was removed from the bundle.
        foreach (var stream in declared.Keys.Where(s => !seen.Contains(s)))
        {
            walker.Begin(stream);
            walker.End(declared[stream]);
        }

        var failures = fileFailures.Concat(checkpointWalker.Failures).Concat(walker.Failures)
            .OrderBy(f => f.StreamId, StringComparer.Ordinal).ThenBy(f => f.Version ?? long.MaxValue)
            .Take(VerificationReport.MaxFailures).ToArray();
        return new VerificationReport(walker.EntriesChecked + checkpointWalker.EntriesChecked, walker.StreamsChecked, checkpoints, failures);
    }

    private static async IAsyncEnumerable<StoredEntry> ReadLinesAsync(BundleFiles bundle, string name, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!bundle.Exists(name))
        {
            yield break;
        }

        using var reader = new StreamReader(bundle.Open(name), Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length > 0)
            {
                yield return BundleLines.Read(line);
            }
        }
    }
}

/// <summary>Reads the files of a bundle directory or zip alike.</summary>
internal sealed class BundleFiles : IDisposable
{
    private readonly string? _directory;
    private readonly ZipArchive? _zip;

    private BundleFiles(string? directory, ZipArchive? zip)
    {
        _directory = directory;
        _zip = zip;
    }

    public static BundleFiles At(string path) =>
        Directory.Exists(path) ? new BundleFiles(path, null)
        : File.Exists(path) ? new BundleFiles(null, ZipFile.OpenRead(path))
        : throw new FileNotFoundException($"No bundle directory or zip at '{path}'.", path);

    public bool Exists(string name) => _zip is null ? File.Exists(Path.Combine(_directory!, name)) : _zip.GetEntry(name) is not null;

    public Stream Open(string name) => _zip is null ? File.OpenRead(Path.Combine(_directory!, name)) : _zip.GetEntry(name)!.Open();

    public async Task<byte[]> ReadAllAsync(string name, CancellationToken cancellationToken)
    {
        await using var stream = Open(name);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        return copy.ToArray();
    }

    public void Dispose() => _zip?.Dispose();
}
