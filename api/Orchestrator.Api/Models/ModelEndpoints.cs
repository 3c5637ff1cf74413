using Orchestrator.Api.Http;
using Orchestrator.Api.Identity;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Projections;
using Orchestrator.Operations.Models;
using Orchestrator.Workflows.Decommission;

namespace Orchestrator.Api.Models;

/// <summary>
/// The model registry and its human operations. Reads come from the registry projection; every operation
/// is one model-stream ledger entry written with the caller's verified identity (approver or admin), through
/// <see cref="ModelOperator"/>, which the console uses too.
/// </summary>
public static class ModelEndpoints
{
    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/api/models").WithTags("Models");
        models.MapGet("", ListAsync).RequireAuthorization(AccessPolicies.Read).WithSummary("Every registered model with its aliases.");
        models.MapGet("/{name}", GetAsync).RequireAuthorization(AccessPolicies.Read).WithSummary("A model's versions (lineage, metrics, approvals) and aliases.");
        models.MapPost("/{name}/promote", (string name, PromoteRequest request, HttpContext http, ModelOperator op) =>
                OperateAsync(http, caller => op.PromoteAsync(name, request.Version, request.Reason, caller, http.RequestAborted)))
            .RequireAuthorization(AccessPolicies.Operate).Validated<PromoteRequest>().WithSummary("Point production at an approved version.");
        models.MapPost("/{name}/rollback", (string name, ModelOperationRequest request, HttpContext http, ModelOperator op) =>
                OperateAsync(http, caller => op.RollbackAsync(name, request.Reason, caller, http.RequestAborted)))
            .RequireAuthorization(AccessPolicies.Operate).Validated<ModelOperationRequest>().WithSummary("Drop the canary, or return production to its previous version.");
        models.MapPost("/{name}/stop", (string name, ModelOperationRequest request, HttpContext http, ModelOperator op) =>
                OperateAsync(http, caller => op.StopAsync(name, request.Reason, caller, http.RequestAborted)))
            .RequireAuthorization(AccessPolicies.Operate).Validated<ModelOperationRequest>().WithSummary("Emergency stop: predict answers 503 with the reason at once.");
        models.MapPost("/{name}/resume", (string name, ModelOperationRequest request, HttpContext http, ModelOperator op) =>
                OperateAsync(http, caller => op.ResumeAsync(name, request.Reason, caller, http.RequestAborted)))
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

    private static async Task<IResult> DecommissionAsync(string name, int version, ModelOperationRequest request, HttpContext http, ModelOperator op)
    {
        var (user, roles) = http.Caller();
        var outcome = await op.DecommissionAsync(name, version, request.Reason, new OperationCaller(user, roles, null, $"http:{http.TraceIdentifier}"), http.RequestAborted);
        return outcome.ToResult(done => TypedResults.Ok(done));
    }

    private static async Task<IResult> OperateAsync(HttpContext http, Func<OperationCaller, Task<Outcome<ModelOperationAccepted>>> operate)
    {
        var (key, problem) = Idempotency.Read(http);
        if (problem is not null)
        {
            return problem;
        }

        var (user, roles) = http.Caller();
        var outcome = await operate(new OperationCaller(user, roles, key, key is null ? $"http:{http.TraceIdentifier}" : $"idempotency-key:{key}"));
        return outcome.ToResult(accepted => TypedResults.Ok(accepted));
    }
}
