using Orchestrator.Audit.Events;

namespace Orchestrator.Audit.Replay;

/// <summary>What a fold needs of an entry's envelope besides the event itself.</summary>
/// <param name="StreamId">The stream.</param>
/// <param name="Version">The entry's version.</param>
/// <param name="RecordedAt">When the ledger recorded it.</param>
/// <param name="Actor">Who caused it; null when unknown.</param>
/// <param name="Hash">The entry's chain hash.</param>
public sealed record EntryMeta(string StreamId, long Version, DateTimeOffset RecordedAt, Actor? Actor, string Hash)
{
    /// <summary>The reference of the entry.</summary>
    public LedgerReference Reference => new(StreamId, Version, Hash);
}
