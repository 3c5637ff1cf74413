namespace Orchestrator.Audit.Ledger;

/// <summary>Names of the event headers (Marten's headers column) in which the ledger keeps an entry's envelope and chain.</summary>
public static class LedgerHeaders
{
    /// <summary>The canonical serialization version (<see cref="Canonical.CanonicalEntry.Spec"/>).</summary>
    public const string Spec = "spec";

    /// <summary>The caller's idempotency key.</summary>
    public const string Key = "key";

    /// <summary>The recording time as hashed (also stored in the timestamp column).</summary>
    public const string RecordedAt = "recordedAt";

    /// <summary>The audit context (actor, correlation, causation, evidence).</summary>
    public const string Context = "context";

    /// <summary>The previous entry's chain hash.</summary>
    public const string Previous = "prev";

    /// <summary>This entry's chain hash.</summary>
    public const string Hash = "hash";
}
