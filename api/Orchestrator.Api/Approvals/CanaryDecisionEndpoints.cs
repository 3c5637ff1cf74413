using Orchestrator.Api.Http;
using Orchestrator.Api.Identity;
using Orchestrator.Workflows.Deploy;

namespace Orchestrator.Api.Approvals;

/// <summary>
/// Decisions on held canaries over HTTP (ADR 0040): a resource of its own beside approvals, since its body (promote/rollback),
/// its evidence (the hold's counts), its ledger event and its workflow update all differ from an approval's.
/// </summary>
public static class CanaryDecisionEndpoints
{
    public static IEndpointRouteBuilder MapCanaryDecisionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/runs/{runId}/canary-decision", SubmitAsync).WithTags("Approvals").RequireAuthorization(AccessPolicies.Approve)
            .Validated<SubmitCanaryDecisionRequest>()
            .WithSummary("Promote or roll back a canary held for too little traffic: 200 with the workflow's judgement, 202 when it has not answered in time, "
                + "403/409 when it does not count. Honours Idempotency-Key.");
        return app;
    }

    private static async Task<IResult> SubmitAsync(string runId, SubmitCanaryDecisionRequest request, HttpContext http, CanaryDecisionService decisions)
    {
        var (key, problem) = Idempotency.Read(http);
        if (problem is not null)
        {
            return problem;
        }

        var (user, roles) = http.Caller();
        var decision = CanaryDecisionRules.Parse(request.Decision) ?? throw new InvalidOperationException("validated: promote or rollback");
        var result = await decisions.SubmitAsync(
            new CanaryDecisionSubmission(runId, user, roles, decision, request.Reason, request.EvidenceDigest, key, $"http:{http.TraceIdentifier}"), http.RequestAborted);
        var recorded = result.Entry is { } entry ? new CanaryDecisionRecorded(runId, entry.StreamId, entry.Version, entry.Hash, request.Decision, result.Judgement) : null;
        return result.Status switch
        {
            ApprovalSubmissionStatus.Judged => TypedResults.Ok(recorded),
            ApprovalSubmissionStatus.Recorded => TypedResults.Accepted($"/api/runs/{runId}", recorded),
            ApprovalSubmissionStatus.NotFound => Problems.NotFound(result.Detail),
            ApprovalSubmissionStatus.Forbidden => Problems.Forbidden(result.Detail),
            ApprovalSubmissionStatus.Unavailable => Problems.Unavailable(result.Detail),
            _ => Problems.Conflict(result.Detail),
        };
    }
}
