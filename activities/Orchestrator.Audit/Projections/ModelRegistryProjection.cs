using JasperFx.Events;
using Marten.Events.Aggregation;
using Orchestrator.Audit.Replay;

namespace Orchestrator.Audit.Projections;

/// <summary>The model registry read model: one <see cref="ModelRegistryEntry"/> per model stream, updated in the append's transaction.</summary>
public sealed class ModelRegistryProjection : SingleStreamProjection<ModelRegistryEntry, string>
{
    public ModelRegistryProjection()
    {
        foreach (var type in Storage.LedgerStore.EventTypes.Where(t => t.Namespace == "Orchestrator.Audit.Events.Models"))
        {
            IncludeType(type);
        }
    }

    public override ModelRegistryEntry? Evolve(ModelRegistryEntry? snapshot, string id, IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        // The ledger applies the same fold when it writes the document itself (MartenAuditLedger).
        return ModelFold.Handles(e.Data) ? ModelFold.Evolve(snapshot, id, e.Data, ProjectionMeta.From(e, snapshot?.StreamVersion ?? 0)) : snapshot;
    }
}
