using Orchestrator.Api.Http;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Projections;
using Orchestrator.Operations.Models;
using Orchestrator.Operations.Policies;
using Orchestrator.Workflows.Decommission;
using Orchestrator.Workflows.Policies;
using Temporalio.Client;

namespace Orchestrator.Api.Models;

/// <summary>Who asks for a model operation: the verified identity, its idempotency key (null: none) and what caused the request.</summary>
public sealed record OperationCaller(string User, IReadOnlyList<string> Roles, string? IdempotencyKey, string Causation);

/// <summary>
/// The human operations on a model, for the API and the console alike: each is one model-stream ledger entry written with
/// the caller's verified identity by the application core's <see cref="ModelOperations"/> and <see cref="Decommissioner"/>
/// (Orchestrator.Operations: the decisions live there); a stop or resume then tells the model's monitor. The API maps the outcome to its statuses.
/// </summary>
public sealed class ModelOperator(ModelOperations ops, Decommissioner decommissioner, AuditReadModels readModels, PolicyCatalog catalog,
    ITemporalClient temporal, ILogger<ModelOperations> logger)
{
    public Task<Outcome<ModelOperationAccepted>> PromoteAsync(string name, int version, string reason, OperationCaller caller, CancellationToken cancellationToken) =>
        OperateAsync(name, "promote", caller, (context, key, token) => ops.PromoteAsync(name, version, reason, context, key, token), cancellationToken);

    public Task<Outcome<ModelOperationAccepted>> RollbackAsync(string name, string reason, OperationCaller caller, CancellationToken cancellationToken) =>
        OperateAsync(name, "rollback", caller, (context, key, token) => ops.RollbackAsync(name, reason, context, key, token), cancellationToken);

    public Task<Outcome<ModelOperationAccepted>> StopAsync(string name, string reason, OperationCaller caller, CancellationToken cancellationToken) =>
        OperateAsync(name, "stop", caller, (context, key, token) =>
            MonitorSignals.AfterAsync(ops.StopAsync(name, reason, context, key, token), temporal, logger, name, stopped: true, reason, token), cancellationToken);

    public Task<Outcome<ModelOperationAccepted>> ResumeAsync(string name, string reason, OperationCaller caller, CancellationToken cancellationToken) =>
        OperateAsync(name, "resume", caller, (context, key, token) =>
            MonitorSignals.AfterAsync(ops.ResumeAsync(name, reason, context, key, token), temporal, logger, name, stopped: false, reason, token), cancellationToken);

    /// <summary>Retires <paramref name="version"/> for good under the retention section of the policy it was evaluated under.</summary>
    public async Task<Outcome<IDecommissionActivities.Output>> DecommissionAsync(string name, int version, string reason, OperationCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!RequestRules.IsName(name) || await readModels.ModelAsync(AuditStreams.Model(name), cancellationToken) is not { } model || model.Find(version) is not { } record)
        {
            return Outcome.Refused<IDecommissionActivities.Output>(OutcomeKind.NotFound, $"Model '{name}' has no version {version}.");
        }

        try
        {
            var done = await decommissioner.DecommissionAsync(name, version, reason, Retention(record.PolicyVersion), Context(caller, name), cancellationToken);
            return Outcome.Done(done);
        }
        catch (OperationRefusedException e)
        {
            return Outcome.Refused<IDecommissionActivities.Output>(e.NotFound ? OutcomeKind.NotFound : OutcomeKind.Conflict, e.Message);
        }
    }

    /// <summary>The retention section of the policy the version was evaluated under ("name/vN"), else the defaults.</summary>
    private RetentionPolicy Retention(string? policyVersion)
    {
        var parts = policyVersion?.Split("/v") ?? [];
        var document = parts.Length == 2 && int.TryParse(parts[1], out var v) ? catalog.Find(new PolicyRef(parts[0], v)) : null;
        return document is null ? new RetentionPolicy() : catalog.Section<RetentionPolicy>(document.Digest, "retention") ?? new RetentionPolicy();
    }

    private static async Task<Outcome<ModelOperationAccepted>> OperateAsync(string name, string operation, OperationCaller caller,
        Func<AuditContext, string, CancellationToken, Task<LedgerEntry>> act, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!RequestRules.IsName(name))
        {
            return Outcome.Refused<ModelOperationAccepted>(OutcomeKind.NotFound, $"No model '{name}' is registered.");
        }

        try
        {
            var key = $"{operation}/{Idempotency.DeriveId(operation, caller.User, caller.IdempotencyKey ?? Idempotency.NewId())}";
            var entry = await act(Context(caller, name), key, cancellationToken);
            return Outcome.Done(new ModelOperationAccepted(name, operation, entry.StreamId, entry.Version, entry.Hash));
        }
        catch (OperationRefusedException e)
        {
            return Outcome.Refused<ModelOperationAccepted>(e.NotFound ? OutcomeKind.NotFound : OutcomeKind.Conflict, e.Message);
        }
        catch (IdempotencyConflictException)
        {
            return Outcome.Refused<ModelOperationAccepted>(OutcomeKind.Conflict, $"The {Idempotency.Header} was already used for a different request.");
        }
    }

    private static AuditContext Context(OperationCaller caller, string model) =>
        new(Actor.User(caller.User, caller.Roles), new Correlation($"api/models/{model}", ""), caller.Causation, []);
}
