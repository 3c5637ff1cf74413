using System.Collections.Concurrent;
using System.Threading.Channels;
using Npgsql;
using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Storage;

namespace Orchestrator.Audit.Verification;

/// <summary>
/// Verifies the ledger in the database: checkpoints first (chain, digest, signature with the public key, and the
/// comparison with their copies outside the database), then every stream re-walked and re-hashed against the
/// heads the checkpoints pinned; entries no checkpoint covers are accepted only while younger than the
/// checkpoint interval, as the unanchored tail. One reader streams the rows ordered by stream; whole streams
/// go to one walker per core, so hashing overlaps with reading.
/// </summary>
public sealed class LedgerVerifier
{
    private const int DefaultBatchSize = 2048;
    private readonly LedgerDatabase _database;
    private readonly ICheckpointAnchorStore _anchors;
    private readonly TimeSpan _tailAllowance;
    private readonly TimeProvider _time;
    private readonly int _batchSize = DefaultBatchSize;

    /// <param name="database">The ledger.</param>
    /// <param name="anchors">The checkpoint copies outside the database.</param>
    /// <param name="tailAllowance">How old the oldest entry no checkpoint covers may be (<see cref="AuditLedgerOptions.UnanchoredTailAllowance"/>).</param>
    /// <param name="time">The clock the tail's age is measured with.</param>
    public LedgerVerifier(LedgerDatabase database, ICheckpointAnchorStore anchors, TimeSpan tailAllowance, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(anchors);
        ArgumentNullException.ThrowIfNull(time);
        _database = database;
        _anchors = anchors;
        _tailAllowance = tailAllowance;
        _time = time;
    }

    /// <summary>As the public constructor, with batches closed at the first stream to start after <paramref name="batchSize"/> rows (tests cross batch boundaries with it).</summary>
    internal LedgerVerifier(LedgerDatabase database, ICheckpointAnchorStore anchors, TimeSpan tailAllowance, TimeProvider time, int batchSize)
        : this(database, anchors, tailAllowance, time)
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
        RunAsync(publicKeyPem, null, null, cancellationToken);

    /// <summary>Verifies every stream, and that the checkpoint with digest <paramref name="pinnedCheckpoint"/> ("sha256:..." or hex; null for none) is still there.</summary>
    public Task<VerificationReport> VerifyAsync(string publicKeyPem, string? pinnedCheckpoint, CancellationToken cancellationToken = default) =>
        RunAsync(publicKeyPem, null, Pinned(pinnedCheckpoint), cancellationToken);

    /// <summary>Verifies one stream (and the checkpoints, whose heads it is checked against).</summary>
    public Task<VerificationReport> VerifyStreamAsync(string streamId, string publicKeyPem, CancellationToken cancellationToken = default) =>
        VerifyStreamAsync(streamId, publicKeyPem, null, cancellationToken);

    /// <summary>Verifies one stream and the checkpoints, and that the checkpoint with digest <paramref name="pinnedCheckpoint"/> is still there.</summary>
    public Task<VerificationReport> VerifyStreamAsync(string streamId, string publicKeyPem, string? pinnedCheckpoint, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamId);
        return RunAsync(publicKeyPem, streamId, Pinned(pinnedCheckpoint), cancellationToken);
    }

    private static string? Pinned(string? pinnedCheckpoint) => pinnedCheckpoint is null ? null
        : PinnedCheckpoint.Parse(pinnedCheckpoint) ?? throw new ArgumentException($"'{pinnedCheckpoint}' is not a checkpoint digest (sha256:<64 lowercase hex digits>).", nameof(pinnedCheckpoint));

    private async Task<VerificationReport> RunAsync(string publicKeyPem, string? onlyStream, string? pinned, CancellationToken cancellationToken)
    {
        using var publicKey = CheckpointSigner.ImportPublicKey(publicKeyPem);
        var checkpointWalker = new ChainWalker(CheckpointExpectations.None);
        var checkpointRows = await ReadAsync(AuditStreams.Checkpoints, cancellationToken).ConfigureAwait(false);
        var chain = CheckpointVerifier.Verify(checkpointRows, publicKey, checkpointWalker);
        var expectations = chain.Expectations();
        IReadOnlyList<CheckpointAnchor> copies = [];
        try
        {
            copies = await _anchors.ReadAllAsync(cancellationToken).ConfigureAwait(false);
            AnchorComparison.Compare(chain, copies, publicKey, _anchors.Location, checkpointWalker, expectations);
        }
        catch (CheckpointAnchorException e)
        {
            checkpointWalker.Report(new VerificationFailure(FailureKind.CheckpointCopiesUnavailable, AuditStreams.Checkpoints, null, null,
                $"{e.Message}: the database's checkpoints could not be compared with their copies"));
        }

        if (pinned is not null)
        {
            PinnedCheckpoint.Check(pinned, chain, copies, checkpointWalker);
        }

        var declared = await DeclaredVersionsAsync(onlyStream, cancellationToken).ConfigureAwait(false);
        var policy = new UncoveredPolicy(_time.GetUtcNow() - _tailAllowance,
            $"are covered by no signed checkpoint although older than the checkpoint interval allows ({_tailAllowance}): the checkpoints covering them were deleted, or none are being taken");

        var channel = Channel.CreateBounded<RowBatch>(new BoundedChannelOptions(Environment.ProcessorCount * 2) { SingleWriter = true });
        var recycled = new ConcurrentQueue<RowBatch>();
        var walkers = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new ChainWalker(expectations, policy)).ToArray();
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
        var tail = new ChainWalker(expectations, policy);
        foreach (var stream in declared.Keys.Concat(expectations.Streams).Where(s => onlyStream is null || s == onlyStream).Distinct().Where(s => !seen.Contains(s)))
        {
            tail.Begin(stream);
            tail.End(declared.GetValueOrDefault(stream));
        }

        var streamWalkers = walkers.Append(tail).ToArray();
        var all = streamWalkers.Append(checkpointWalker).ToArray();
        var failures = all.SelectMany(w => w.Failures)
            .OrderBy(f => f.StreamId, StringComparer.Ordinal).ThenBy(f => f.Version ?? long.MaxValue)
            .Take(VerificationReport.MaxFailures).ToArray();
        var uncovered = streamWalkers.Sum(w => w.UncoveredEntries);
        return new VerificationReport(all.Sum(w => w.EntriesChecked), walkers.Sum(w => w.StreamsChecked) + (checkpointRows.Count > 0 ? 1 : 0), checkpointRows.Count, failures)
        {
            CopiesCompared = copies.Count,
            LatestCheckpoint = chain.Latest(),
            UnanchoredTail = uncovered == 0 ? null
                : new UnanchoredTail(uncovered, streamWalkers.Sum(w => w.UncoveredStreams), streamWalkers.Select(w => w.UncoveredSince).Where(t => t is not null).Min()!.Value),
        };
    }

    private async Task ProduceAsync(ChannelWriter<RowBatch> writer, ConcurrentQueue<RowBatch> recycled, string? onlyStream, HashSet<string> seen, CancellationToken cancellationToken)
    {
        await using var command = _database.DataSource.CreateCommand(
            EventTables.WalkRows(_database, RowColumns));
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
        await using var command = _database.DataSource.CreateCommand(EventTables.StreamRows(_database, Columns));
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
        await using var command = _database.DataSource.CreateCommand(
            EventTables.DeclaredVersions(_database));
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
