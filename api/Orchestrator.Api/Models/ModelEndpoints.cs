using Orchestrator.Api.Http;
using Orchestrator.Api.Identity;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Projections;
using Orchestrator.Operations.Models;
using Orchestrator.Operations.Policies;
using Orchestrator.Operations.Serving;
using Orchestrator.Workflows.Decommission;
using Orchestrator.Workflows.Policies;
using Temporalio.Client;

namespace Orchestrator.Api.Models;

/// <summary>
/// The model registry and its human operations. Reads come from the registry projection; every operation
/// is one model-stream ledger entry written with the caller's verified identity (approver or admin).
/// </summary>
public static class ModelEndpoints
{
    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/api/models").WithTags("Models");
        models.MapGet("", ListAsync).RequireAuthorization(AccessPolicies.Read).WithSummary("Every registered model with its aliases.");
        models.MapGet("/{name}", GetAsync).RequireAuthorization(AccessPolicies.Read).WithSummary("A model's versions (lineage, metrics, approvals) and aliases.");
        models.MapPost("/{name}/promote", PromoteAsync).RequireAuthorization(AccessPolicies.Operate).Validated<PromoteRequest>()
            .WithSummary("Point production at an approved version.");
        models.MapPost("/{name}/rollback", (string name, ModelOperationRequest request, HttpContext http, ModelOperations ops) =>
            OperateAsync(name, "rollback", http, (context, key, token) => ops.RollbackAsync(name, request.Reason, context, key, token)))
            .RequireAuthorization(AccessPolicies.Operate).Validated<ModelOperationRequest>().WithSummary("Drop the canary, or return production to its previous version.");
        models.MapPost("/{name}/stop", (string name, ModelOperationRequest request, HttpContext http, ModelOperations ops, ITemporalClient temporal, ILogger<ModelOperations> logger) =>
            OperateAsync(name, "stop", http, (context, key, token) =>
                MonitorSignals.AfterAsync(ops.StopAsync(name, request.Reason, context, key, token), temporal, logger, name, stopped: true, request.Reason, token)))
            .RequireAuthorization(AccessPolicies.Operate).Validated<ModelOperationRequest>().WithSummary("Emergency stop: predict answers 503 with the reason at once.");
        models.MapPost("/{name}/resume", (string name, ModelOperationRequest request, HttpContext http, ModelOperations ops, ITemporalClient temporal, ILogger<ModelOperations> logger) =>
            OperateAsync(name, "resume", http, (context, key, token) =>
                MonitorSignals.AfterAsync(ops.ResumeAsync(name, request.Reason, context, key, token), temporal, logger, name, stopped: false, request.Reason, token)))
            .RequireAuthorization(AccessPolicies.Operate).Validated<ModelOperationRequest>().WithSummary("Resume serving, recorded as the caller's approval.");
        models.MapPost("/{name}/versions/{version:int}/decommission", DecommissionAsync).RequireAuthorization(AccessPolicies.Operate)
            .Validated<ModelOperationRequest>().WithSummary("Retire a version for good (410 afterwards, naming the successor).");
        return app;
    }

    private static async Task<IResult> ListAsync(AuditReadModels readModels, HttpContext http)
    {
        var models = await readModels.ListModelsAsync(http.RequestAborted);
        return TypedResults.Ok(models.Select(m =>
        {
            var alias = m.Aliases.GetValueOrDefault(ModelState.ProductionAlias);
            return new ModelSummary(m.Name, m.Versions.Count, alias?.Version, alias?.CanaryVersion, alias?.CanaryShare ?? 0, m.Stopped, m.UpdatedAt);
        }).ToList());
    }

    private static async Task<IResult> GetAsync(string name, AuditReadModels readModels, HttpContext http) =>
        RequestRules.IsName(name) && await readModels.ModelAsync(AuditStreams.Model(name), http.RequestAborted) is { } model
            ? TypedResults.Ok(model)
            : Problems.NotFound($"No model '{name}' is registered.");

    private static Task<IResult> PromoteAsync(string name, PromoteRequest request, HttpContext http, ModelOperations ops) =>
        OperateAsync(name, "promote", http, (context, key, token) => ops.PromoteAsync(name, request.Version, request.Reason, context, key, token));

    private static async Task<IResult> DecommissionAsync(
        string name, int version, ModelOperationRequest request, HttpContext http, Decommissioner decommissioner, AuditReadModels readModels, PolicyCatalog catalog)
    {
        if (!RequestRules.IsName(name) || await readModels.ModelAsync(AuditStreams.Model(name), http.RequestAborted) is not { } model || model.Find(version) is not { } record)
        {
            return Problems.NotFound($"Model '{name}' has no version {version}.");
        }

        var retention = Retention(catalog, record.PolicyVersion);
        try
        {
            var done = await decommissioner.DecommissionAsync(name, version, request.Reason, retention, Context(http, name), http.RequestAborted);
            return TypedResults.Ok(done);
        }
        catch (OperationRefusedException e)
        {
            return e.NotFound ? Problems.NotFound(e.Message) : Problems.Conflict(e.Message);
        }
    }

    /// <summary>The retention section of the policy the version was evaluated under ("name/vN"), else the defaults.</summary>
    private static RetentionPolicy Retention(PolicyCatalog catalog, string? policyVersion)
    {
        var parts = policyVersion?.Split("/v") ?? [];
        var document = parts.Length == 2 && int.TryParse(parts[1], out var v) ? catalog.Find(new PolicyRef(parts[0], v)) : null;
        return document is null ? new RetentionPolicy() : catalog.Section<RetentionPolicy>(document.Digest, "retention") ?? new RetentionPolicy();
    }

    private static async Task<IResult> OperateAsync(
        string name, string operation, HttpContext http, Func<AuditContext, string, CancellationToken, Task<LedgerEntry>> act)
    {
        var (key, problem) = Idempotency.Read(http);
        if (problem is not null)
        {
            return problem;
        }

        if (!RequestRules.IsName(name))
        {
            return Problems.NotFound($"No model '{name}' is registered.");
        }

        var (user, _) = http.Caller();
        try
        {
            var entry = await act(Context(http, name, key), $"{operation}/{Idempotency.DeriveId(operation, user, key ?? Idempotency.NewId())}", http.RequestAborted);
            return TypedResults.Ok(new ModelOperationAccepted(name, operation, entry.StreamId, entry.Version, entry.Hash));
        }
        catch (OperationRefusedException e)
        {
            return e.NotFound ? Problems.NotFound(e.Message) : Problems.Conflict(e.Message);
        }
        catch (IdempotencyConflictException)
        {
            return Problems.Conflict($"The {Idempotency.Header} was already used for a different request.");
        }
    }

    private static AuditContext Context(HttpContext http, string model, string? key = null)
    {
        var (user, roles) = http.Caller();
        return new AuditContext(Actor.User(user, roles), new Correlation($"api/models/{model}", ""),
            key is null ? $"http:{http.TraceIdentifier}" : $"idempotency-key:{key}", []);
    }
}
