using Orchestrator.Api.Http;
using Orchestrator.Api.Identity;

namespace Orchestrator.Api.GoldAudits;

/// <summary>
/// The human gold audit over HTTP (ADR 0039): reviewers list a run's sampled items with their images and submit labels;
/// <see cref="GoldAuditService"/> checks them by the workflow's own rules, appends GoldAuditSubmitted as the verified
/// reviewer, then submits the entry's reference to the workflow as an update, like approvals.
/// </summary>
public static class GoldAuditEndpoints
{
    public static IEndpointRouteBuilder MapGoldAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/runs/{runId}/gold-audit", async (string runId, GoldAuditService audits, HttpContext http) =>
                await audits.ViewAsync(runId, http.RequestAborted) is { } view ? (IResult)TypedResults.Ok(view) : Problems.NotFound($"Run '{runId}' has no gold-audit request."))
            .WithTags("Gold audit").RequireAuthorization(AccessPolicies.Read)
            .WithSummary("The sampled items of the run's gold audit with their images (labels withheld), and whether it waits for a reviewer.");
        app.MapPost("/api/runs/{runId}/gold-audit", SubmitAsync).WithTags("Gold audit").RequireAuthorization(AccessPolicies.Review)
            .Validated<SubmitGoldAuditRequest>()
            .WithSummary("Submit gold-audit labels as a reviewer: 200 with the workflow's judgement, 202 when it has not answered in time, 400 on an unknown item or "
                + "class (nothing recorded), 403 when the reviewer shaped the run, 409 when the run does not wait for this audit. Honours Idempotency-Key.");
        return app;
    }

    private static async Task<IResult> SubmitAsync(string runId, SubmitGoldAuditRequest request, HttpContext http, GoldAuditService audits)
    {
        var (key, problem) = Idempotency.Read(http);
        if (problem is not null)
        {
            return problem;
        }

        var (user, roles) = http.Caller();
        var result = await audits.SubmitAsync(runId, user, roles, request, key, $"http:{http.TraceIdentifier}", http.RequestAborted);
        var recorded = result.Entry is { } entry ? new GoldAuditRecorded(runId, entry.StreamId, entry.Version, entry.Hash, result.Judgement) : null;
        return result.Status switch
        {
            GoldAuditStatus.Judged => TypedResults.Ok(recorded),
            GoldAuditStatus.Recorded => TypedResults.Accepted($"/api/runs/{runId}", recorded),
            GoldAuditStatus.Invalid => Problems.Validation(new Dictionary<string, string[]> { ["labels"] = [.. result.Problems] }),
            GoldAuditStatus.NotFound => Problems.NotFound(result.Detail),
            GoldAuditStatus.Forbidden => Problems.Forbidden(result.Detail),
            GoldAuditStatus.Unavailable => Problems.Unavailable(result.Detail),
            _ => Problems.Conflict(result.Detail),
        };
    }
}
