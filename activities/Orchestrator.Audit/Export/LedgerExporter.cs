using System.Buffers;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Orchestrator.Audit.Canonical;
using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Storage;

namespace Orchestrator.Audit.Export;

/// <summary>
/// Writes a self-contained bundle (events, checkpoints, public key, signed manifest) that <see cref="BundleVerifier"/>
/// checks with a trusted key and no database. Export takes a checkpoint first and writes exactly the entries it
/// covers, so every exported entry is pinned by a signed checkpoint and the manifest's heads are that checkpoint's.
/// </summary>
public sealed class LedgerExporter(LedgerDatabase database, CheckpointWriter checkpoints, CheckpointSigner signer, TimeProvider time)
{
    /// <summary>Exports every stream (or only <paramref name="streamIds"/>) into <paramref name="directory"/>, which must not exist or be empty.</summary>
    public async Task<BundleManifest> ExportAsync(string directory, IReadOnlyCollection<string>? streamIds = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new IOException($"The export directory '{directory}' is not empty.");
        }

        Directory.CreateDirectory(directory);
        var (checkpoint, _) = await checkpoints.TakeAsync(cancellationToken).ConfigureAwait(false);
        var selected = streamIds?.ToHashSet(StringComparer.Ordinal);
        var streams = checkpoint.Heads.Where(h => selected is null || selected.Contains(h.StreamId))
            .OrderBy(h => h.StreamId, StringComparer.Ordinal).Select(h => new ExportedStreamHead(h.StreamId, h.Version, h.Hash)).ToList();
        var events = await WriteAsync(Path.Combine(directory, BundleManifest.EventsFile),
            EventTables.ExportedStreams(database, EntryRows.Columns),
            [streams.Select(s => s.Id).ToArray(), streams.Select(s => s.Version).ToArray()], null, cancellationToken).ConfigureAwait(false);
        var chain = new List<CheckpointLink>();
        var checkpointCount = await WriteAsync(Path.Combine(directory, BundleManifest.CheckpointsFile),
            EventTables.ExportedCheckpoints(database, EntryRows.Columns), [AuditStreams.Checkpoints, checkpoint.Number],
            e => chain.Add(SignedCheckpoint.Read(e.Type, e.DataJson).Link), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, BundleManifest.PublicKeyFile), signer.PublicKeyPem, cancellationToken).ConfigureAwait(false);

        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in BundleManifest.ListedFiles)
        {
            files[name] = await DigestAsync(Path.Combine(directory, name), cancellationToken).ConfigureAwait(false);
        }

        var manifest = new BundleManifest(BundleManifest.FormatName, CanonicalEntry.Spec, time.GetUtcNow(), selected is null ? BundleManifest.LedgerScope : BundleManifest.StreamsScope,
            streams, events, chain, checkpointCount, signer.KeyId, files);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, BundleJson.Options);
        await File.WriteAllBytesAsync(Path.Combine(directory, BundleManifest.FileName), bytes, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, BundleManifest.SignatureFile), signer.Sign(bytes), cancellationToken).ConfigureAwait(false);
        return manifest;
    }

    /// <summary>Exports as <see cref="ExportAsync"/> does, then packs the bundle into one zip file.</summary>
    public async Task<BundleManifest> ExportZipAsync(string zipPath, IReadOnlyCollection<string>? streamIds = null, CancellationToken cancellationToken = default)
    {
        // Private while it is written: the bundle holds the whole ledger (Directory.CreateTempSubdirectory is 0700 on Unix).
        var staging = Directory.CreateTempSubdirectory("audit-export-").FullName;
        try
        {
            var manifest = await ExportAsync(staging, streamIds, cancellationToken).ConfigureAwait(false);
            await ZipFile.CreateFromDirectoryAsync(staging, zipPath, CompressionLevel.Optimal, includeBaseDirectory: false, cancellationToken).ConfigureAwait(false);
            return manifest;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    internal static async Task<string> DigestAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false));
    }

    private async Task<long> WriteAsync(string path, string sql, object[] parameters, Action<StoredEntry>? each, CancellationToken cancellationToken)
    {
        await using var file = File.Create(path);
        await using var command = database.DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new() { Value = parameter });
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        long count = 0;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var entry = EntryRows.Read(reader);
            each?.Invoke(entry);
            BundleLines.Write(buffer, entry);
            count++;
            if (buffer.WrittenCount > 48 * 1024)
            {
                await file.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                buffer.ResetWrittenCount();
            }
        }

        await file.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        return count;
    }
}

/// <summary>JSON conventions of bundle files (camelCase, indented manifest).</summary>
internal static class BundleJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
