using System.Text.Json;
using System.Text.Json.Serialization;
using JasperFx.Events;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Storage;

namespace Orchestrator.Audit.Ledger;

/// <summary>Turns stored JSON back into contract records, with the same conventions Marten writes them in.</summary>
public static class LedgerJson
{
    /// <summary>Marten's System.Text.Json conventions in this store: member names as declared, enums as strings.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.General)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly Dictionary<string, Type> TypesByName =
        LedgerStore.EventTypes.ToDictionary(t => t.GetEventTypeName(), StringComparer.Ordinal);

    /// <summary>The stored type name of an event type (snake case of the record name, as Marten names it).</summary>
    public static string TypeName(Type eventType) => eventType.GetEventTypeName();

    /// <summary>The event record of a stored type name, or the raw JSON element for a type this build does not know.</summary>
    public static object ReadEvent(string typeName, string dataJson) =>
        TypesByName.TryGetValue(typeName, out var type)
            ? JsonSerializer.Deserialize(dataJson, type, Options)!
            : JsonDocument.Parse(dataJson).RootElement.Clone();

    /// <summary>Reads an audit context.</summary>
    public static AuditContext ReadContext(string json) =>
        JsonSerializer.Deserialize<AuditContext>(json, Options) ?? throw new FormatException("The audit context is null.");

    /// <summary>The typed entry of a stored entry (the stored entry must carry its chain headers).</summary>
    public static LedgerEntry ToEntry(StoredEntry stored) => new(
        stored.StreamId,
        stored.Version,
        stored.Sequence,
        stored.Type,
        stored.Timestamp,
        stored.Key ?? "",
        ReadContext(stored.ContextJson ?? "null"),
        ReadEvent(stored.Type, stored.DataJson),
        stored.Previous ?? "",
        stored.Hash ?? "");
}
