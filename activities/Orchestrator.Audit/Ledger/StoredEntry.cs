using System.Text;
using System.Text.Json;
using Orchestrator.Audit.Canonical;

namespace Orchestrator.Audit.Ledger;

/// <summary>
/// An entry exactly as stored (a row of the event table or a line of an export bundle): the raw JSON
/// the hash must be recomputed from, with nothing deserialized or normalised in between.
/// </summary>
/// <param name="StreamId">stream_id.</param>
/// <param name="Version">version.</param>
/// <param name="Sequence">seq_id.</param>
/// <param name="Type">type (the event type name).</param>
/// <param name="Timestamp">timestamp column (must equal the hashed recordedAt).</param>
/// <param name="DataJson">data as JSON text.</param>
/// <param name="RecordedAt">headers.recordedAt; null when absent.</param>
/// <param name="Key">headers.key; null when absent.</param>
/// <param name="ContextJson">headers.context as JSON text; null when absent.</param>
/// <param name="Previous">headers.prev; null when absent.</param>
/// <param name="Hash">headers.hash; null when absent.</param>
public sealed record StoredEntry(
    string StreamId,
    long Version,
    long Sequence,
    string Type,
    DateTimeOffset Timestamp,
    string DataJson,
    string? RecordedAt,
    string? Key,
    string? ContextJson,
    string? Previous,
    string? Hash)
{
    /// <summary>True when every header the chain needs is present.</summary>
    public bool HasChain => RecordedAt is not null && Key is not null && ContextJson is not null && Previous is not null && Hash is not null;

    /// <summary>Recomputes the chain hash from the stored content and <paramref name="previousHash"/>.</summary>
    public string ComputeHash(string previousHash) =>
        CanonicalEntry.Hash(previousHash, new EntryFields(
            StreamId, Version, Type, RecordedAt!, Key!, Encoding.UTF8.GetBytes(ContextJson!), Encoding.UTF8.GetBytes(DataJson)));

    /// <summary>As <see cref="ComputeHash(string)"/>, with the context's canonical bytes supplied by the caller (contexts repeat; verification caches them).</summary>
    public string ComputeHash(string previousHash, byte[] canonicalContext) =>
        CanonicalEntry.Hash(previousHash, new EntryFields(
            StreamId, Version, Type, RecordedAt!, Key!, ReadOnlyMemory<byte>.Empty, Encoding.UTF8.GetBytes(DataJson)), canonicalContext);

    /// <summary>Builds a stored entry from its columns, reading the chain fields out of the headers JSON.</summary>
    public static StoredEntry FromRow(string streamId, long version, long sequence, string type, DateTimeOffset timestamp, string dataJson, string? headersJson)
    {
        string? recordedAt = null, key = null, context = null, previous = null, hash = null;
        if (headersJson is not null)
        {
            using var headers = JsonDocument.Parse(headersJson);
            var root = headers.RootElement;
            recordedAt = Text(root, LedgerHeaders.RecordedAt);
            key = Text(root, LedgerHeaders.Key);
            previous = Text(root, LedgerHeaders.Previous);
            hash = Text(root, LedgerHeaders.Hash);
            context = root.TryGetProperty(LedgerHeaders.Context, out var c) ? c.GetRawText() : null;
        }

        return new StoredEntry(streamId, version, sequence, type, timestamp, dataJson, recordedAt, key, context, previous, hash);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
