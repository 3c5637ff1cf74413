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
/// Writes a self-contained bundle (events, checkpoints, public key, manifest) that <see cref="BundleVerifier"/>
/// checks with only the public key and no database. Export takes a checkpoint first so the bundle's heads are signed.
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
        await checkpoints.TakeAsync(cancellationToken).ConfigureAwait(false);
        var streams = await DeclaredAsync(streamIds, cancellationToken).ConfigureAwait(false);
        var events = await WriteAsync(Path.Combine(directory, BundleManifest.EventsFile),
            EventTables.ExportedStreams(database, EntryRows.Columns), streams.Select(s => s.Id).ToArray(), cancellationToken).ConfigureAwait(false);
        var checkpointCount = await WriteAsync(Path.Combine(directory, BundleManifest.CheckpointsFile),
            EventTables.ExportedCheckpoints(database, EntryRows.Columns), [AuditStreams.Checkpoints], cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, BundleManifest.PublicKeyFile), signer.PublicKeyPem, cancellationToken).ConfigureAwait(false);

        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in new[] { BundleManifest.EventsFile, BundleManifest.CheckpointsFile, BundleManifest.PublicKeyFile })
        {
            files[name] = await DigestAsync(Path.Combine(directory, name), cancellationToken).ConfigureAwait(false);
        }

        var manifest = new BundleManifest(BundleManifest.FormatName, CanonicalEntry.Spec, time.GetUtcNow(), streams, events, checkpointCount, signer.KeyId, files);
        await File.WriteAllBytesAsync(Path.Combine(directory, BundleManifest.FileName),
            JsonSerializer.SerializeToUtf8Bytes(manifest, BundleJson.Options), cancellationToken).ConfigureAwait(false);
        return manifest;
    }

    /// <summary>Exports as <see cref="ExportAsync"/> does, then packs the bundle into one zip file.</summary>
    public async Task<BundleManifest> ExportZipAsync(string zipPath, IReadOnlyCollection<string>? streamIds = null, CancellationToken cancellationToken = default)
    {
        var staging = Path.Combine(Path.GetTempPath(), $"audit-export-{Guid.NewGuid():N}");
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

    private async Task<long> WriteAsync(string path, string sql, string[] streams, CancellationToken cancellationToken)
    {
        await using var file = File.Create(path);
        await using var command = database.DataSource.CreateCommand(sql);
        command.Parameters.Add(new() { Value = streams });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        long count = 0;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            BundleLines.Write(buffer, EntryRows.Read(reader));
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

    private async Task<List<ExportedStreamHead>> DeclaredAsync(IReadOnlyCollection<string>? streamIds, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            EventTables.ExportedHeads(database));
        command.Parameters.Add(new() { Value = AuditStreams.Checkpoints });
        command.Parameters.Add(new() { Value = (object?)streamIds?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var streams = new List<ExportedStreamHead>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            streams.Add(new ExportedStreamHead(reader.GetString(0), reader.GetInt64(1)));
        }

        return [.. streams.OrderBy(s => s.Id, StringComparer.Ordinal)];
    }
}

/// <summary>JSON conventions of bundle files (camelCase, indented manifest).</summary>
internal static class BundleJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
