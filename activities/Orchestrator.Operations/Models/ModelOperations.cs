using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;

namespace Orchestrator.Operations.Models;

/// <summary>An operation refused because of the model's state (409) or because it does not exist (404).</summary>
public sealed class OperationRefusedException(string message, bool notFound) : InvalidOperationException(message)
{
    /// <summary>True when the model or version does not exist (otherwise: a conflict with the model's state).</summary>
    public bool NotFound { get; } = notFound;
}

/// <summary>
/// Load, decide, append: the only way anything decides about a model version. Loads the model's state
/// (<see cref="ModelState.LoadAsync"/>), asks <see cref="ModelDecider"/> with this clock, and appends the decided facts
/// in order under their idempotency keys with the caller's audit context (so a retried request or activity
/// records nothing twice). Also the human operations of the API (emergency stop and resume, manual promotion
/// and rollback), each one model-stream event with the caller's verified identity as the actor.
/// </summary>
public sealed class ModelOperations(IAuditLedger ledger, TimeProvider time)
{
    private const int MaxClaims = 1000;

    /// <summary>The ledger the decisions are recorded in.</summary>
    public IAuditLedger Ledger => ledger;

    /// <summary>The model's state now.</summary>
    public Task<ModelState> LoadAsync(string model, CancellationToken cancellationToken) => ModelState.LoadAsync(ledger, model, cancellationToken);

    /// <summary>Loads <paramref name="model"/>, decides with <paramref name="decide"/> and records the decision.</summary>
    /// <exception cref="OperationRefusedException">The decision was refused; nothing was recorded.</exception>
    public async Task<Recording<T>> ExecuteAsync<T>(string model, Func<ModelState, DateTimeOffset, ModelDecision<T>> decide, AuditContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decide);
        var state = await LoadAsync(model, cancellationToken).ConfigureAwait(false);
        return await RecordAsync(state, decide(state, time.GetUtcNow()), context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Appends the facts of <paramref name="decision"/> (taken on <paramref name="state"/>) in order.</summary>
    /// <exception cref="OperationRefusedException">The decision was refused; nothing was recorded.</exception>
    public async Task<Recording<T>> RecordAsync<T>(ModelState state, ModelDecision<T> decision, AuditContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.Refusal is { } refusal)
        {
            throw new OperationRefusedException(refusal.Message, refusal.NotFound);
        }

        var entries = new List<LedgerEntry>(decision.Facts.Count);
        foreach (var fact in decision.Facts)
        {
            entries.Add(await ledger.AppendAsync(state.Stream, fact.Event, context, fact.Key, cancellationToken).ConfigureAwait(false));
        }

        return new Recording<T>(decision.Outcome, entries);
    }

    /// <summary>
    /// Claims the version a run's export becomes. The number is held by the idempotency key "version/{n}": the
    /// ledger's unique keys let only one run hold a number, so when another run claimed it between our read and our
    /// append the state is read again and the next number decided.
    /// </summary>
    public async Task<int> ClaimVersionAsync(string model, ClaimVersion claim, AuditContext context, CancellationToken cancellationToken)
    {
        for (var claims = 0; claims < MaxClaims; claims++)
        {
            try
            {
                return (await ExecuteAsync(model, (state, now) => ModelDecider.Decide(state, claim, now), context, cancellationToken).ConfigureAwait(false)).Outcome;
            }
            catch (IdempotencyConflictException)
            {
                // Another run claimed this number between our read and our append: decide again on the new state.
            }
        }

        throw new InvalidOperationException($"Could not claim a version number for model {model} after {MaxClaims} attempts.");
    }

    /// <summary>Halts serving at once; requests get 503 with <paramref name="reason"/>.</summary>
    public Task<LedgerEntry> StopAsync(string model, string reason, AuditContext context, string key, CancellationToken cancellationToken) =>
        SingleAsync(model, (state, now) => ModelDecider.Decide(state, new StopServing(reason, key), now), context, cancellationToken);

    /// <summary>Resumes serving; the caller's verified approver identity is the recorded approval.</summary>
    public Task<LedgerEntry> ResumeAsync(string model, string reason, AuditContext context, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return SingleAsync(model, (state, now) => ModelDecider.Decide(state, new ResumeServing(reason, context.Actor.Id, key), now), context, cancellationToken);
    }

    /// <summary>Points production at an approved, live <paramref name="version"/> (any canary is dropped).</summary>
    public Task<LedgerEntry> PromoteAsync(string model, int version, string reason, AuditContext context, string key, CancellationToken cancellationToken) =>
        SingleAsync(model, (state, now) => ModelDecider.Decide(state, new PromoteVersion(version, reason, key), now), context, cancellationToken);

    /// <summary>Drops the canary if there is one; otherwise returns production to the version it served before, if still live.</summary>
    public Task<LedgerEntry> RollbackAsync(string model, string reason, AuditContext context, string key, CancellationToken cancellationToken) =>
        SingleAsync(model, (state, now) => ModelDecider.Decide(state, new RollBack(reason, key), now), context, cancellationToken);

    private async Task<LedgerEntry> SingleAsync(string model, Func<ModelState, DateTimeOffset, ModelDecision<Recorded>> decide, AuditContext context, CancellationToken cancellationToken) =>
        (await ExecuteAsync(model, decide, context, cancellationToken).ConfigureAwait(false)).Entries.Single();
}

/// <summary>A recorded decision: the caller's outcome and the entries appended (none when nothing was left to record).</summary>
public sealed record Recording<T>(T Outcome, IReadOnlyList<LedgerEntry> Entries);
