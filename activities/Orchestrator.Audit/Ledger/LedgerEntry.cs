using Orchestrator.Audit.Events;

namespace Orchestrator.Audit.Ledger;

/// <summary>One recorded ledger entry: the event, its envelope and its place in the stream's hash chain.</summary>
/// <param name="StreamId">The stream.</param>
/// <param name="Version">1-based position in the stream.</param>
/// <param name="Sequence">Position in the whole ledger (Marten's global sequence); 0 when the store did not report it.</param>
/// <param name="EventType">The stored event type name (covered by the hash).</param>
/// <param name="RecordedAt">When the ledger recorded the event (UTC, microseconds; covered by the hash).</param>
/// <param name="IdempotencyKey">The caller's idempotency key.</param>
/// <param name="Context">Actor, correlation, causation, evidence.</param>
/// <param name="Data">The event record.</param>
/// <param name="PreviousHash">The chain hash of the previous entry (64 zeros for the first).</param>
/// <param name="Hash">SHA-256(previous hash || canonical bytes), lowercase hex.</param>
public sealed record LedgerEntry(
    string StreamId,
    long Version,
    long Sequence,
    string EventType,
    DateTimeOffset RecordedAt,
    string IdempotencyKey,
    AuditContext Context,
    object Data,
    string PreviousHash,
    string Hash)
{
    /// <summary>The reference to hand to others (e.g. in a workflow signal).</summary>
    public LedgerReference Reference => new(StreamId, Version, Hash);
}

/// <summary>What <see cref="IAuditLedger.ConfirmAsync"/> found.</summary>
public enum ReferenceStatus
{
    /// <summary>The entry exists, its stored content hashes to the referenced hash.</summary>
    Confirmed,

    /// <summary>No entry at that stream and version.</summary>
    Missing,

    /// <summary>An entry exists but its hash differs from the reference.</summary>
    HashMismatch,

    /// <summary>The entry's stored content no longer hashes to its stored hash: it was altered.</summary>
    Tampered,
}

/// <summary>The outcome of confirming a <see cref="LedgerReference"/>; <paramref name="Entry"/> is null when missing.</summary>
public sealed record ReferenceCheck(ReferenceStatus Status, LedgerEntry? Entry)
{
    /// <summary>True when the reference is confirmed.</summary>
    public bool IsConfirmed => Status == ReferenceStatus.Confirmed;
}

/// <summary>The idempotency key of an append already recorded a different event in that stream.</summary>
public sealed class IdempotencyConflictException(string message) : InvalidOperationException(message);
