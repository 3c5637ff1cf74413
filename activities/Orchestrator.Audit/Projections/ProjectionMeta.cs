using System.Text.Json;
using JasperFx.Events;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Replay;

namespace Orchestrator.Audit.Projections;

/// <summary>Reads a fold's <see cref="EntryMeta"/> out of a Marten event, whether its headers are still objects (inline) or JSON (rebuilds).</summary>
internal static class ProjectionMeta
{
    public static EntryMeta From(IEvent e, long previousVersion)
    {
        var headers = e.Headers;
        var actor = headers?.GetValueOrDefault(LedgerHeaders.Context) switch
        {
            AuditContext context => context.Actor,
            JsonElement json => json.Deserialize<AuditContext>(LedgerJson.Options)?.Actor,
            _ => null,
        };
        var hash = headers?.GetValueOrDefault(LedgerHeaders.Hash) switch
        {
            string text => text,
            JsonElement { ValueKind: JsonValueKind.String } json => json.GetString()!,
            _ => "",
        };
        // Quick appends do not hand inline projections the version; the stream is folded in order.
        var version = e.Version > 0 ? e.Version : previousVersion + 1;
        return new EntryMeta(e.StreamKey ?? "", version, e.Timestamp, actor, hash);
    }
}
