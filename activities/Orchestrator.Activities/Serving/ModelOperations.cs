using Orchestrator.Activities.Deploy;
using Orchestrator.Activities.Evaluate;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Replay;

namespace Orchestrator.Activities.Serving;

/// <summary>An operation refused because of the model's state (409) or because it does not exist (404).</summary>
public sealed class OperationRefusedException(string message, bool notFound) : InvalidOperationException(message)
{
    public bool NotFound { get; } = notFound;
}

/// <summary>
/// The human operations on a model (API, approver or admin): emergency stop and resume, manual promotion
/// and rollback. Each is one model-stream event written with the caller's verified identity as the actor,
/// decided on the ledger's own fold of the stream. The idempotency key makes a retried request a no-op.
/// </summary>
public sealed class ModelOperations(IAuditLedger ledger)
{
    /// <summary>Halts serving at once; requests get 503 with <paramref name="reason"/>.</summary>
    public async Task<LedgerEntry> StopAsync(string model, string reason, AuditContext context, string key, CancellationToken cancellationToken)
    {
        var state = await ExistingAsync(model, cancellationToken).ConfigureAwait(false);
        return state.Stopped
            ? throw new OperationRefusedException($"Serving of model '{model}' is already stopped: {state.StopReason}", notFound: false)
            : await ledger.AppendAsync(AuditStreams.Model(model), new ModelServingStopped(reason), context, key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resumes serving; the caller's verified approver identity is the recorded approval.</summary>
    public async Task<LedgerEntry> ResumeAsync(string model, string reason, AuditContext context, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = await ExistingAsync(model, cancellationToken).ConfigureAwait(false);
        return !state.Stopped
            ? throw new OperationRefusedException($"Serving of model '{model}' is not stopped.", notFound: false)
            : await ledger.AppendAsync(AuditStreams.Model(model), new ModelServingResumed(reason, context.Actor.Id), context, key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Points production at an approved, live <paramref name="version"/> (any canary is dropped).</summary>
    public async Task<LedgerEntry> PromoteAsync(string model, int version, string reason, AuditContext context, string key, CancellationToken cancellationToken)
    {
        var state = await ExistingAsync(model, cancellationToken).ConfigureAwait(false);
        var record = state.Find(version) ?? throw new OperationRefusedException($"Model '{model}' has no version {version}.", notFound: true);
        if (record.Status == ModelVersionStatus.Decommissioned)
        {
            throw new OperationRefusedException($"Model '{model}' version {version} is decommissioned and can never be served again.", notFound: false);
        }

        if (record.Approvals.Count == 0)
        {
            throw new OperationRefusedException($"Model '{model}' version {version} was never approved; only approved versions can be promoted.", notFound: false);
        }

        var current = state.Aliases.GetValueOrDefault(Aliases.Production)?.Version;
        return await ledger.AppendAsync(AuditStreams.Model(model), new ModelAliasChanged(Aliases.Production, current, version, reason), context, key, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Drops the canary if there is one; otherwise returns production to the version it served before, if still live.</summary>
    public async Task<LedgerEntry> RollbackAsync(string model, string reason, AuditContext context, string key, CancellationToken cancellationToken)
    {
        var entries = await ModelHistory.ReadAllAsync(ledger, AuditStreams.Model(model), cancellationToken).ConfigureAwait(false);
        var state = Fold(model, entries);
        var alias = state.Aliases.GetValueOrDefault(Aliases.Production);
        if (alias is null || state.Versions.Count == 0)
        {
            throw new OperationRefusedException($"Model '{model}' has nothing deployed to roll back.", notFound: state.Versions.Count == 0);
        }

        if (alias.CanaryVersion is { } canary)
        {
            return await ledger.AppendAsync(AuditStreams.Model(model), new ModelRolledBack(canary, alias.Version ?? 0, Aliases.Production, reason), context, key, cancellationToken)
                .ConfigureAwait(false);
        }

        var current = alias.Version ?? throw new OperationRefusedException($"Model '{model}' has no production version to roll back.", notFound: false);
        var previous = PreviousProduction(entries, current, state)
            ?? throw new OperationRefusedException($"Model '{model}' has no earlier live production version to roll back to.", notFound: false);
        return await ledger.AppendAsync(AuditStreams.Model(model), new ModelRolledBack(current, previous, Aliases.Production, reason), context, key, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>The last production version before <paramref name="current"/> that is not decommissioned.</summary>
    private static int? PreviousProduction(IReadOnlyList<LedgerEntry> entries, int current, ModelRegistryEntry state)
    {
        int? previous = null;
        for (var i = 1; i <= entries.Count; i++)
        {
            var production = ModelHistory.ProductionAfter(entries.Take(i));
            if (production is { } p && p != current && state.Find(p)?.Status != ModelVersionStatus.Decommissioned)
            {
                previous = p;
            }
        }

        return previous;
    }

    private async Task<ModelRegistryEntry> ExistingAsync(string model, CancellationToken cancellationToken)
    {
        var state = await new ModelRegistryReader(ledger).ReadAsync(model, cancellationToken).ConfigureAwait(false);
        return state.Versions.Count == 0 ? throw new OperationRefusedException($"No model '{model}' is registered.", notFound: true) : state;
    }

    private static ModelRegistryEntry Fold(string model, IReadOnlyList<LedgerEntry> entries) => entries.Aggregate(
        new ModelRegistryEntry { Id = AuditStreams.Model(model), Name = model },
        (state, e) => ModelFold.Apply(state, e.Data, new EntryMeta(e.StreamId, e.Version, e.RecordedAt, e.Context.Actor, e.Hash)));
}
