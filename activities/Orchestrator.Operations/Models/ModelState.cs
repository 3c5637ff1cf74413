using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Replay;

namespace Orchestrator.Operations.Models;

/// <summary>
/// A model's state as its ledger stream says now, folded once by <see cref="LoadAsync"/> (the one loader): the registry
/// (the same pure <see cref="ModelFold"/> as the read model, so decisions never wait on a projection), the
/// production version after every entry, and the entries themselves (their idempotency keys say which
/// decisions were already recorded). Every decision about a model version is taken on this by
/// <see cref="ModelDecider"/>.
/// </summary>
public sealed class ModelState
{
    /// <summary>The alias serving all traffic (a canary takes a share of it while being watched).</summary>
    public const string ProductionAlias = "production";

    /// <summary>The ModelEvaluated evidence entry naming a version's training reference (the drift monitor reads it).</summary>
    public const string TrainingReferenceEvidence = "training-reference";

    private readonly List<int?> _productionAfter;
    private readonly Dictionary<string, LedgerEntry> _byKey = new(StringComparer.Ordinal);

    /// <summary>
    /// The one loader of a model's state: reads the model's whole stream from the ledger and folds it. Activities and
    /// endpoints load, let <see cref="ModelDecider"/> decide, and append what it decided (<see cref="ModelOperations"/>).
    /// </summary>
    public static async Task<ModelState> LoadAsync(IAuditLedger ledger, string model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return new ModelState(model, await ledger.ReadAllAsync(AuditStreams.Model(model), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Folds <paramref name="entries"/> (the whole stream of <paramref name="model"/>, oldest first).</summary>
    public ModelState(string model, IReadOnlyList<LedgerEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Model = model;
        Entries = entries;
        var registry = new ModelRegistryEntry { Id = AuditStreams.Model(model), Name = model };
        _productionAfter = new List<int?>(entries.Count);
        foreach (var entry in entries)
        {
            registry = ModelFold.Apply(registry, entry.Data, new EntryMeta(entry.StreamId, entry.Version, entry.RecordedAt, entry.Context.Actor, entry.Hash));
            _productionAfter.Add(ProductionOf(registry));
            _byKey.TryAdd(entry.IdempotencyKey, entry);
        }

        Registry = registry;
    }

    /// <summary>The model's name.</summary>
    public string Model { get; }

    /// <summary>The model's stream id.</summary>
    public string Stream => AuditStreams.Model(Model);

    /// <summary>Every entry of the stream, oldest first.</summary>
    public IReadOnlyList<LedgerEntry> Entries { get; }

    /// <summary>The registry fold: versions, aliases, emergency stop.</summary>
    public ModelRegistryEntry Registry { get; }

    /// <summary>True once a version was exported (a model with no version is not registered).</summary>
    public bool Exists => Registry.Versions.Count > 0;

    /// <summary>What the production alias serves now (version and canary).</summary>
    public ModelAlias? ProductionServing => Registry.Aliases.GetValueOrDefault(ProductionAlias);

    /// <summary>The version that serves production in full, if any: the one definition of "production".</summary>
    public int? Production => ProductionOf(Registry);

    /// <summary>The record of the production version, if any.</summary>
    public ModelVersionRecord? ProductionRecord => Production is { } version ? Registry.Find(version) : null;

    /// <summary>The number a newly exported version gets.</summary>
    public int NextVersion => Registry.Versions.Count == 0 ? 1 : Registry.Versions.Max(v => v.Version) + 1;

    /// <summary>The production version after the first <paramref name="count"/> entries (null: none).</summary>
    public int? ProductionAfter(int count) => count <= 0 ? null : _productionAfter[Math.Min(count, _productionAfter.Count) - 1];

    /// <summary>The entry recorded under <paramref name="idempotencyKey"/>, if any.</summary>
    public LedgerEntry? Recorded(string idempotencyKey) => _byKey.GetValueOrDefault(idempotencyKey);

    /// <summary>The record of <paramref name="version"/>, if it was exported.</summary>
    public ModelVersionRecord? Find(int version) => Registry.Find(version);

    /// <summary>The version run <paramref name="runId"/> exported as <paramref name="onnxDigest"/>, if recorded.</summary>
    public ModelVersionRecord? Exported(string runId, string onnxDigest) =>
        Registry.Versions.FirstOrDefault(v => v.RunId == runId && v.OnnxDigest == onnxDigest);

    /// <summary>True once a ModelEvaluated was recorded for <paramref name="version"/>.</summary>
    public bool Evaluated(int version) => Entries.Any(e => e.Data is ModelEvaluated m && m.Version == version);

    /// <summary>The training reference of <paramref name="version"/>'s latest evaluation (a re-evaluation replaces it); null when evaluated without one.</summary>
    public EvidenceDigest? TrainingReference(int version)
    {
        EvidenceDigest? reference = null;
        foreach (var entry in Entries)
        {
            if (entry.Data is ModelEvaluated evaluated && evaluated.Version == version)
            {
                reference = entry.Context.Evidence.FirstOrDefault(e => e.Name == TrainingReferenceEvidence);
            }
        }

        return reference;
    }

    private static int? ProductionOf(ModelRegistryEntry registry) =>
        registry.Aliases.TryGetValue(ProductionAlias, out var alias) ? alias.Version : null;
}
