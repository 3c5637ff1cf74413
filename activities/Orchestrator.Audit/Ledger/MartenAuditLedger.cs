using System.Collections.Concurrent;
using System.Text;
using Npgsql;
using Orchestrator.Audit.Canonical;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Replay;
using Orchestrator.Audit.Storage;

namespace Orchestrator.Audit.Ledger;

/// <summary>
/// The ledger on Marten's event store. An append links to the stream head it last saw (cached per stream,
/// with the stream's read models as of that head); the chain guard trigger refuses an insert that does not
/// link to the real head, and the append then re-reads the head and retries. So concurrent writers, in this
/// process or others, always leave a valid chain, and appends to different streams never wait for each
/// other. With the head cached an append is one round trip (<see cref="AppendBatch"/>, ADR 0018).
/// </summary>
public sealed class MartenAuditLedger(LedgerDatabase database, TimeProvider time) : IAuditLedger
{
    private const int MaxAttempts = 64;
    // Each cached stream holds its read-model documents too; a full cache is simply emptied.
    private const int MaxCachedStreams = 10_000;

    private readonly EntryRows _rows = new(database);
    private readonly AppendBatch _batch = new(database);
    private readonly ConcurrentDictionary<string, StreamState> _streams = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task<LedgerEntry> AppendAsync(string streamId, object fact, AuditContext context, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamId);
        ArgumentNullException.ThrowIfNull(fact);
        ArgumentNullException.ThrowIfNull(context);
        var eventId = IdempotencyKeys.EventId(streamId, idempotencyKey);
        var type = LedgerJson.TypeName(fact.GetType());
        string data;
        byte[] contextJson;
        try
        {
            data = _batch.Serializer.ToJson(fact);
            contextJson = Encoding.UTF8.GetBytes(_batch.Serializer.ToJson(context));
        }
        catch (ArgumentException)
        {
            // System.Text.Json only says a number "cannot be written as valid JSON", deep inside: name the figure.
            FiniteNumbers.Ensure(fact, $"{fact.GetType().Name} on {streamId}");
            FiniteNumbers.Ensure(context, $"the audit context of {fact.GetType().Name} on {streamId}");
            throw;
        }

        var dataJson = Encoding.UTF8.GetBytes(data);

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var head = _streams.TryGetValue(streamId, out var cached) ? cached : await _batch.StateAsync(streamId, cancellationToken).ConfigureAwait(false);
            var recordedAt = CanonicalEntry.ToStoredPrecision(time.GetUtcNow());
            var fields = new EntryFields(streamId, head.Version + 1, type, CanonicalEntry.FormatTime(recordedAt), idempotencyKey, contextJson, dataJson);
            var hash = CanonicalEntry.Hash(head.Hash, fields, strict: true);
            // The inline projections' fold, applied here rather than by Marten (same functions, same documents).
            var meta = new EntryMeta(streamId, fields.Version, recordedAt, context.Actor, hash);
            var run = RunFold.Handles(fact) ? RunFold.Evolve(head.Run, streamId, fact, meta) : null;
            var model = ModelFold.Handles(fact) ? ModelFold.Evolve(head.Model, streamId, fact, meta) : null;
            var entry = new PendingEntry(streamId, fields.Version, eventId, type, fact, data,
                LedgerHeaders.Json(fields.RecordedAt, idempotencyKey, contextJson, head.Hash, hash), recordedAt, run, model);
            long sequence;
            try
            {
                sequence = await _batch.ExecuteAsync(entry, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState == LedgerSchema.ChainConflictState)
            {
                // Another writer appended first: our head was stale. Re-read it and link again.
                _streams.TryRemove(streamId, out _);
                continue;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // Either this key is already recorded (event id index), or another writer took the same
                // version or created the same stream at the same time.
                _streams.TryRemove(streamId, out _);
                if (await ExistingAsync(eventId, streamId, type, dataJson, idempotencyKey, cancellationToken).ConfigureAwait(false) is { } existing)
                {
                    return existing;
                }

                continue;
            }

            Remember(streamId, new StreamState(fields.Version, hash, run ?? head.Run, model ?? head.Model));
            return new LedgerEntry(streamId, fields.Version, sequence, type, recordedAt, idempotencyKey, context, fact, head.Hash, hash);
        }

        throw new InvalidOperationException($"Could not append to stream '{streamId}' after {MaxAttempts} attempts: too many concurrent writers.");
    }

    /// <inheritdoc />
    public async Task<ReferenceCheck> ConfirmAsync(LedgerReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var rows = await _rows.StreamAsync(reference.StreamId, reference.Version, 1, null, cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0 || rows[0].Version != reference.Version || !rows[0].HasChain)
        {
            return new ReferenceCheck(ReferenceStatus.Missing, null);
        }

        var stored = rows[0];
        var entry = LedgerJson.ToEntry(stored);
        if (stored.ComputeHash(stored.Previous!) != stored.Hash)
        {
            return new ReferenceCheck(ReferenceStatus.Tampered, entry);
        }

        return new ReferenceCheck(stored.Hash == reference.Hash ? ReferenceStatus.Confirmed : ReferenceStatus.HashMismatch, entry);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<LedgerEntry>> ReadStreamAsync(string streamId, long fromVersion = 1, int maxCount = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromVersion, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        var rows = await _rows.StreamAsync(streamId, fromVersion, maxCount, null, cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(LedgerJson.ToEntry)];
    }

    private async Task<LedgerEntry?> ExistingAsync(Guid eventId, string streamId, string type, byte[] dataJson, string key, CancellationToken cancellationToken)
    {
        var existing = await _rows.ByIdAsync(eventId, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return null;
        }

        // The context may differ between attempts (another worker ran the retry); the fact may not.
        if (existing.StreamId != streamId || existing.Type != type
            || !CanonicalJson.ToBytes(existing.DataJson).AsSpan().SequenceEqual(CanonicalJson.ToBytes(Encoding.UTF8.GetString(dataJson))))
        {
            throw new IdempotencyConflictException(
                $"Idempotency key '{key}' already recorded a different {existing.Type} at {existing.StreamId} version {existing.Version}.");
        }

        return LedgerJson.ToEntry(existing);
    }

    private void Remember(string streamId, StreamState state)
    {
        if (_streams.Count >= MaxCachedStreams)
        {
            _streams.Clear();
        }

        _streams[streamId] = state;
    }
}
