using JasperFx.Events;
using Marten.Events.Aggregation;
using Orchestrator.Audit.Replay;

namespace Orchestrator.Audit.Projections;

/// <summary>The run summaries read model: one <see cref="RunSummary"/> per run stream, updated in the append's transaction.</summary>
public sealed class RunSummaryProjection : SingleStreamProjection<RunSummary, string>
{
    public RunSummaryProjection()
    {
        foreach (var type in Storage.LedgerStore.EventTypes.Where(t => t.Namespace == "Orchestrator.Audit.Events.Runs"))
        {
            IncludeType(type);
        }
    }

    public override RunSummary? Evolve(RunSummary? snapshot, string id, IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        // The ledger applies the same fold when it writes the document itself (MartenAuditLedger).
        return RunFold.Handles(e.Data) ? RunFold.Evolve(snapshot, id, e.Data, ProjectionMeta.From(e, snapshot?.StreamVersion ?? 0)) : snapshot;
    }
}
