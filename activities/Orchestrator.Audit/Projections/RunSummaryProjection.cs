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
        if (!RunFold.Handles(e.Data))
        {
            return snapshot;
        }

        var state = snapshot ?? new RunSummary { Id = id };
        return RunFold.Apply(state, e.Data, ProjectionMeta.From(e, state.StreamVersion));
    }
}
