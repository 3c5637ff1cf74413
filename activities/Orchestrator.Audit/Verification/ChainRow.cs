using System.Text;
using System.Text.Json;
using Orchestrator.Audit.Ledger;

namespace Orchestrator.Audit.Verification;

/// <summary>
/// What the chain walk needs of one entry, with its data and context kept as the UTF-8 JSON they were read
/// as. Verification of the database reads data and headers as jsonb bytes straight into this: no UTF-16
/// strings for the JSON, no re-encoding before canonicalisation, and no server-side header extraction
/// (which cost the PostgreSQL backend as much CPU as the rest of the query).
/// </summary>
internal readonly record struct ChainRow(
    string StreamId,
    long Version,
    long Sequence,
    string Type,
    DateTimeOffset Timestamp,
    ReadOnlyMemory<byte> Data,
    string? RecordedAt,
    string? Key,
    ReadOnlyMemory<byte>? Context,
    string? Previous,
    string? Hash)
{
    /// <summary>True when every header the chain needs is present.</summary>
    public bool HasChain => RecordedAt is not null && Key is not null && Context is not null && Previous is not null && Hash is not null;

    /// <summary>An entry read from a bundle or by the ledger's own lookups.</summary>
    public static ChainRow From(StoredEntry entry) => new(
        entry.StreamId, entry.Version, entry.Sequence, entry.Type, entry.Timestamp, Encoding.UTF8.GetBytes(entry.DataJson),
        entry.RecordedAt, entry.Key, entry.ContextJson is null ? null : Encoding.UTF8.GetBytes(entry.ContextJson), entry.Previous, entry.Hash);

    /// <summary>
    /// An event row whose headers column is <paramref name="headers"/> (UTF-8 JSON, or null). Chain fields
    /// that are absent or not strings are null, as <see cref="StoredEntry.FromRow"/> reads them.
    /// </summary>
    public static ChainRow FromColumns(string streamId, long version, long sequence, string type, DateTimeOffset timestamp, ReadOnlyMemory<byte> data, ReadOnlyMemory<byte>? headers)
    {
        string? recordedAt = null, key = null, previous = null, hash = null;
        ReadOnlyMemory<byte>? context = null;
        if (headers is { } json)
        {
            var reader = new Utf8JsonReader(json.Span);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.ValueIsEscaped ? reader.GetString() : Known(reader.ValueSpan);
                    reader.Read();
                    var start = (int)reader.TokenStartIndex;
                    var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    reader.Skip();
                    switch (name)
                    {
                        case LedgerHeaders.Context:
                            context = json.Slice(start, (int)reader.BytesConsumed - start);
                            break;
                        case LedgerHeaders.RecordedAt:
                            recordedAt = text;
                            break;
                        case LedgerHeaders.Key:
                            key = text;
                            break;
                        case LedgerHeaders.Previous:
                            previous = text;
                            break;
                        case LedgerHeaders.Hash:
                            hash = text;
                            break;
                    }
                }
            }
        }

        return new ChainRow(streamId, version, sequence, type, timestamp, data, recordedAt, key, context, previous, hash);
    }

    // The header names as the constants (no string per row); null for any other name.
    private static string? Known(ReadOnlySpan<byte> name) => name switch
    {
        _ when name.SequenceEqual("context"u8) => LedgerHeaders.Context,
        _ when name.SequenceEqual("recordedAt"u8) => LedgerHeaders.RecordedAt,
        _ when name.SequenceEqual("key"u8) => LedgerHeaders.Key,
        _ when name.SequenceEqual("prev"u8) => LedgerHeaders.Previous,
        _ when name.SequenceEqual("hash"u8) => LedgerHeaders.Hash,
        _ => null,
    };
}
