using Orchestrator.Activities.Evaluate;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Replay;

namespace Orchestrator.Activities.Monitor;

/// <summary>What the measurement needs from a model's stream: its registry state and where a version's training reference is.</summary>
/// <param name="Registry">The fold of the stream (emergency stop, versions).</param>
/// <param name="Reference">The training-reference evidence of the version's latest evaluation; null when it was evaluated without one.</param>
public sealed record MeasureModelState(ModelRegistryEntry Registry, EvidenceDigest? Reference)
{
    private const int PageSize = 500;

    /// <summary>Reads model <paramref name="model"/>'s stream once, folding it and finding <paramref name="version"/>'s reference.</summary>
    public static async Task<MeasureModelState> ReadAsync(IAuditLedger ledger, string model, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var stream = AuditStreams.Model(model);
        var state = new ModelRegistryEntry { Id = stream, Name = model };
        EvidenceDigest? reference = null;
        for (var from = 1L; ;)
        {
            var page = await ledger.ReadStreamAsync(stream, from, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page)
            {
                state = ModelFold.Apply(state, entry.Data, new EntryMeta(entry.StreamId, entry.Version, entry.RecordedAt, entry.Context.Actor, entry.Hash));
                if (entry.Data is ModelEvaluated evaluated && evaluated.Version == version)
                {
                    // A re-evaluation replaces the reference, as it replaces the evidence.
                    reference = entry.Context.Evidence.FirstOrDefault(e => e.Name == EvaluateActivities.TrainingReferenceEvidence);
                }
            }

            if (page.Count < PageSize)
            {
                return new MeasureModelState(state, reference);
            }

            from = page[^1].Version + 1;
        }
    }
}
