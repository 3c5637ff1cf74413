using System.Collections.Concurrent;
using System.Threading.Channels;
using Npgsql;
using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Storage;

namespace Orchestrator.Audit.Verification;

/// <summary>
/// Verifies the ledger in the database: checkpoints first (chain, digest, signature with the public key),
/// then every stream re-walked and re-hashed. One reader streams the rows ordered by stream; whole streams
/// go to one walker per core, so hashing overlaps with reading.
/// </summary>
public sealed class LedgerVerifier(LedgerDatabase database)
{
    private const int DefaultBatchSize = 2048;
    private readonly int _batchSize = DefaultBatchSize;

    /// <summary>As the public constructor, with batches closed at the first stream to start after <paramref name="batchSize"/> rows (tests cross batch boundaries with it).</summary>
    internal LedgerVerifier(LedgerDatabase database, int batchSize)
        : this(database)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        _batchSize = batchSize;
    }

    private const string Columns =
        "stream_id, version, seq_id, type, timestamp, data::text, headers ->> 'recordedAt', headers ->> 'key', "
        + "(headers -> 'context')::text, headers ->> 'prev', headers ->> 'hash'";

    // The bulk walk reads data and headers as jsonb bytes and picks the chain fields out client-side (ChainRow).
    private const string RowColumns = "stream_id, version, seq_id, type, timestamp, data, headers";

    /// <summary>Verifies every stream.</summary>
    public Task<VerificationReport> VerifyAsync(string publicKeyPem, CancellationToken cancellationToken = default) =>
        RunAsync(publicKeyPem, null, cancellationToken);

    /// <summary>Verifies one stream (and the checkpoints, whose heads it is checked against).</summary>
    public Task<VerificationReport> VerifyStreamAsync(string streamId, string publicKeyPem, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamId);
        return RunAsync(publicKeyPem, streamId, cancellationToken);
    }

    private async Task<VerificationReport> RunAsync(string publicKeyPem, string? onlyStream, CancellationToken cancellationToken)
    {
        using var publicKey = CheckpointSigner.ImportPublicKey(publicKeyPem);
        var checkpointWalker = new ChainWalker(CheckpointExpectations.None);
        var checkpointRows = await ReadAsync(AuditStreams.Checkpoints, cancellationToken).ConfigureAwait(false);
        var (expectations, checkpoints) = CheckpointVerifier.Verify(checkpointRows, publicKey, checkpointWalker);
        var declared = await DeclaredVersionsAsync(onlyStream, cancellationToken).ConfigureAwait(false);

        var channel = Channel.CreateBounded<RowBatch>(new BoundedChannelOptions(Environment.ProcessorCount * 2) { SingleWriter = true });
        var recycled = new ConcurrentQueue<RowBatch>();
        var walkers = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new ChainWalker(expectations)).ToArray();
        // A walker that throws stops the reader too, which would otherwise wait forever on a full channel.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = walkers.Select(w => Task.Run(() => WalkAsync(channel.Reader, recycled, w, declared, stop), stop.Token)).ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await ProduceAsync(channel.Writer, recycled, onlyStream, seen, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // A walker failed: its exception surfaces from WhenAll below.
        }
        finally
        {
            channel.Writer.TryComplete();
        }

        await Task.WhenAll(workers).ConfigureAwait(false);

        // Streams the stream table or a checkpoint knows of but which have no entry left at all.
        var tail = new ChainWalker(expectations);
        foreach (var stream in declared.Keys.Concat(expectations.Streams).Where(s => onlyStream is null || s == onlyStream).Distinct().Where(s => !seen.Contains(s)))
        {
            tail.Begin(stream);
            tail.End(declared.GetValueOrDefault(stream));
        }

        var all = walkers.Append(checkpointWalker).Append(tail).ToArray();
        var failures = all.SelectMany(w => w.Failures)
            .OrderBy(f => f.StreamId, StringComparer.Ordinal).ThenBy(f => f.Version ?? long.MaxValue)
            .Take(VerificationReport.MaxFailures).ToArray();
        return new VerificationReport(all.Sum(w => w.EntriesChecked), walkers.Sum(w => w.StreamsChecked) + (checkpoints > 0 ? 1 : 0), checkpoints, failures);
    }

    private async Task ProduceAsync(ChannelWriter<RowBatch> writer, ConcurrentQueue<RowBatch> recycled, string? onlyStream, HashSet<string> seen, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            EventTables.WalkRows(database, RowColumns));
        command.Parameters.Add(new() { Value = AuditStreams.Checkpoints });
        command.Parameters.Add(new() { Value = (object?)onlyStream ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
        // Batches are recycled by the walkers, so at most the channel's capacity plus one per walker and the one
        // being filled ever exist: memory stays flat however many events the ledger holds.
        RowBatch Rent() => recycled.TryDequeue(out var reused) ? reused : new RowBatch(_batchSize + 256);
        var batch = Rent();
        RowBatch.Row previous = default;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var streamId = reader.GetString(0);
            if (!string.Equals(streamId, previous.StreamId, StringComparison.Ordinal))
            {
                // Batches hold whole streams, so one walker sees each stream from start to end.
                if (batch.Count >= _batchSize)
                {
                    await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                    batch = Rent();
                }

                seen.Add(streamId);
            }

            previous = batch.Add(reader, streamId, previous);
        }

        if (batch.Count > 0)
        {
            await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WalkAsync(ChannelReader<RowBatch> reader, ConcurrentQueue<RowBatch> recycled, ChainWalker walker, IReadOnlyDictionary<string, long> declared, CancellationTokenSource stop)
    {
        try
        {
            await WalkBatchesAsync(reader, recycled, walker, declared, stop.Token).ConfigureAwait(false);
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task WalkBatchesAsync(ChannelReader<RowBatch> reader, ConcurrentQueue<RowBatch> recycled, ChainWalker walker, IReadOnlyDictionary<string, long> declared, CancellationToken cancellationToken)
    {
        await foreach (var batch in reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            Walk(batch, walker, declared);
            batch.Clear();
            recycled.Enqueue(batch);
        }
    }

    // Synchronous and called once per batch, so the runtime optimises it after a few batches instead of
    // running the hot loop in the async state machine's unoptimised first-tier code until on-stack replacement.
    private static void Walk(RowBatch batch, ChainWalker walker, IReadOnlyDictionary<string, long> declared)
    {
        string? current = null;
        for (var i = 0; i < batch.Count; i++)
        {
            var streamId = batch.StreamIdAt(i);
            if (!string.Equals(streamId, current, StringComparison.Ordinal))
            {
                if (current is not null)
                {
                    walker.End(declared.GetValueOrDefault(current));
                }

                current = streamId;
                walker.Begin(current);
            }

            walker.Check(batch.ChainRowAt(i));
        }

        if (current is not null)
        {
            walker.End(declared.GetValueOrDefault(current));
        }
    }

    private async Task<List<StoredEntry>> ReadAsync(string streamId, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(EventTables.StreamRows(database, Columns));
        command.Parameters.Add(new() { Value = streamId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<StoredEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(Read(reader));
        }

        return rows;
    }

    private async Task<Dictionary<string, long>> DeclaredVersionsAsync(string? onlyStream, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            EventTables.DeclaredVersions(database));
        command.Parameters.Add(new() { Value = AuditStreams.Checkpoints });
        command.Parameters.Add(new() { Value = (object?)onlyStream ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var declared = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            declared[reader.GetString(0)] = reader.GetInt64(1);
        }

        return declared;
    }

    private static StoredEntry Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt64(1),
        reader.GetInt64(2),
        reader.GetString(3),
        new DateTimeOffset(reader.GetFieldValue<DateTime>(4), TimeSpan.Zero),
        reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.IsDBNull(8) ? null : reader.GetString(8),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        reader.IsDBNull(10) ? null : reader.GetString(10));
}
