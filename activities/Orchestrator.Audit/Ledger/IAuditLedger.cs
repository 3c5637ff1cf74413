using Orchestrator.Audit.Events;

namespace Orchestrator.Audit.Ledger;

/// <summary>
/// The write and lookup side of the audit ledger, for stage activities and the API. Appends are
/// hash-chained per stream and idempotent by key, so a retried Temporal activity never writes twice.
/// </summary>
public interface IAuditLedger
{
    /// <summary>
    /// Appends <paramref name="fact"/> to <paramref name="streamId"/> unless an entry with
    /// <paramref name="idempotencyKey"/> is already in that stream, in which case that entry is returned.
    /// </summary>
    /// <param name="streamId">The run or model stream (see <see cref="AuditStreams"/>).</param>
    /// <param name="fact">One of the contract events (Orchestrator.Audit.Events.*).</param>
    /// <param name="context">Actor, correlation, causation and evidence digests.</param>
    /// <param name="idempotencyKey">Deterministic per fact and unique within the stream, never attempt-specific: a stage activity's
    /// "{Temporal run id}/{activity id}/{fact}" (StageAudit.Key, the same on every attempt), a model decision's "version/3" or
    /// "deploy/{run}/v3/canary", an API request's key derived from the caller and its Idempotency-Key header.</param>
    /// <param name="cancellationToken">Cancels the append.</param>
    /// <returns>The recorded entry with its version and chain hash.</returns>
    /// <exception cref="IdempotencyConflictException">The key already recorded a different event.</exception>
    Task<LedgerEntry> AppendAsync(string streamId, object fact, AuditContext context, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Confirms that the entry <paramref name="reference"/> points at exists, is intact and has that hash.</summary>
    Task<ReferenceCheck> ConfirmAsync(LedgerReference reference, CancellationToken cancellationToken = default);

    /// <summary>One page of a stream's entries in order, starting at <paramref name="fromVersion"/>.</summary>
    Task<IReadOnlyList<LedgerEntry>> ReadStreamAsync(string streamId, long fromVersion = 1, int maxCount = 100, CancellationToken cancellationToken = default);
}
