using System.Buffers;
using System.Text;
using System.Text.Json;

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

    /// <summary>
    /// The headers column of an entry, with the context embedded as the exact JSON that was hashed
    /// (<paramref name="contextJson"/>), so what is stored is what the chain covers.
    /// </summary>
    public static string Json(string recordedAt, string key, ReadOnlySpan<byte> contextJson, string previous, string hash)
    {
        var buffer = new ArrayBufferWriter<byte>(512 + contextJson.Length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber(Spec, Canonical.CanonicalEntry.Spec);
            writer.WriteString(Key, key);
            writer.WriteString(RecordedAt, recordedAt);
            writer.WritePropertyName(Context);
            writer.WriteRawValue(contextJson, skipInputValidation: true);
            writer.WriteString(Previous, previous);
            writer.WriteString(Hash, hash);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
