using System.Collections.Concurrent;
using System.Text;
using Marten;
using Npgsql;
using Orchestrator.Audit.Canonical;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Storage;

namespace Orchestrator.Audit.Ledger;

/// <summary>
/// The ledger on Marten. An append links to the stream head it last saw (cached per stream); the chain
/// guard trigger refuses an insert that does not link to the real head, and the append then re-reads the
/// head and retries. So concurrent writers, in this process or others, always leave a valid chain, and
/// appends to different streams never wait for each other.
/// </summary>
public sealed class MartenAuditLedger(LedgerDatabase database, TimeProvider time) : IAuditLedger
{
    private const int MaxAttempts = 64;
    private const int MaxCachedHeads = 100_000;

    private readonly EntryRows _rows = new(database);
    private readonly ConcurrentDictionary<string, StreamHead> _heads = new(StringComparer.Ordinal);
    private readonly ISerializer _serializer = database.Store.Options.Serializer();

    /// <inheritdoc />
    public async Task<LedgerEntry> AppendAsync(string streamId, object fact, AuditContext context, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamId);
        ArgumentNullException.ThrowIfNull(fact);
        ArgumentNullException.ThrowIfNull(context);
        var eventId = IdempotencyKeys.EventId(streamId, idempotencyKey);
        var type = LedgerJson.TypeName(fact.GetType());
        var dataJson = Encoding.UTF8.GetBytes(_serializer.ToJson(fact));
        var contextJson = Encoding.UTF8.GetBytes(_serializer.ToJson(context));

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var head = _heads.TryGetValue(streamId, out var cached) ? cached : await _rows.HeadAsync(streamId, cancellationToken).ConfigureAwait(false);
            var recordedAt = CanonicalEntry.ToStoredPrecision(time.GetUtcNow());
            var fields = new EntryFields(streamId, head.Version + 1, type, CanonicalEntry.FormatTime(recordedAt), idempotencyKey, contextJson, dataJson);
            var hash = CanonicalEntry.Hash(head.Hash, fields, strict: true);

            await using var session = database.Store.LightweightSession();
            var stored = session.Events.Append(streamId, fact).Events[0];
            stored.Id = eventId;
            stored.Timestamp = recordedAt;
            stored.SetHeader(LedgerHeaders.Spec, CanonicalEntry.Spec);
            stored.SetHeader(LedgerHeaders.Key, idempotencyKey);
            stored.SetHeader(LedgerHeaders.RecordedAt, fields.RecordedAt);
            stored.SetHeader(LedgerHeaders.Context, context);
            stored.SetHeader(LedgerHeaders.Previous, head.Hash);
            stored.SetHeader(LedgerHeaders.Hash, hash);
            try
            {
                await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (SqlState(ex) == LedgerSchema.ChainConflictState || ex is JasperFx.Events.EventStreamUnexpectedMaxEventIdException)
            {
                // Another writer appended first (the chain guard refused our link, or both took the same
                // version): our head was stale. Re-read it and link again.
                _heads.TryRemove(streamId, out _);
                continue;
            }
            catch (Exception ex) when (SqlState(ex) == PostgresErrorCodes.UniqueViolation)
            {
                _heads.TryRemove(streamId, out _);
                if (await ExistingAsync(eventId, streamId, type, dataJson, idempotencyKey, cancellationToken).ConfigureAwait(false) is { } existing)
                {
                    return existing;
                }

                continue;
            }

            Remember(new StreamHead(streamId, fields.Version, hash));
            return new LedgerEntry(streamId, fields.Version, stored.Sequence, type, recordedAt, idempotencyKey, context, fact, head.Hash, hash);
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

    private void Remember(StreamHead head)
    {
        if (_heads.Count >= MaxCachedHeads)
        {
            _heads.Clear();
        }

        _heads[head.StreamId] = head;
    }

    private static string? SqlState(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is PostgresException postgres)
            {
                return postgres.SqlState;
            }
        }

        return null;
    }
}
