using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Replay;

namespace Orchestrator.Activities.Evaluate;

/// <summary>
/// A model's registry state folded straight from its ledger stream with the same pure fold as the
/// registry projection, so a stage activity decides on what the ledger says now, not on a read model
/// that might lag behind it.
/// </summary>
public sealed class ModelRegistryReader(IAuditLedger ledger)
{
    /// <summary>The alias whose version is the champion a challenger is compared with.</summary>
    public const string ProductionAlias = "production";

    private const int PageSize = 500;

    /// <summary>The model's current state; an empty entry when nothing was recorded for it yet.</summary>
    public async Task<ModelRegistryEntry> ReadAsync(string modelName, CancellationToken cancellationToken)
    {
        var stream = AuditStreams.Model(modelName);
        var state = new ModelRegistryEntry { Id = stream, Name = modelName };
        for (var from = 1L; ;)
        {
            var page = await ledger.ReadStreamAsync(stream, from, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page)
            {
                state = ModelFold.Apply(state, entry.Data, new EntryMeta(entry.StreamId, entry.Version, entry.RecordedAt, entry.Context.Actor, entry.Hash));
            }

            if (page.Count < PageSize)
            {
                return state;
            }

            from = page[^1].Version + 1;
        }
    }

    /// <summary>The version that serves the production alias in full, if any.</summary>
    public static ModelVersionRecord? Production(ModelRegistryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Aliases.TryGetValue(ProductionAlias, out var alias) && alias.Version is { } version ? entry.Find(version) : null;
    }

    /// <summary>The version run <paramref name="runId"/> exported as <paramref name="onnxDigest"/>, if recorded.</summary>
    public static ModelVersionRecord? Exported(ModelRegistryEntry entry, string runId, string onnxDigest)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Versions.FirstOrDefault(v => v.RunId == runId && v.OnnxDigest == onnxDigest);
    }
}
