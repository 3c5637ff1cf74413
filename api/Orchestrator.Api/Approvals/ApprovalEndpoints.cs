using Orchestrator.Api.Http;
using Orchestrator.Api.Identity;
using Orchestrator.Workflows.Approve;

namespace Orchestrator.Api.Approvals;

/// <summary>
/// Approvals over HTTP: <see cref="ApprovalService"/> checks the decision by the workflow's own rules, appends
/// ApprovalSigned (signed by the verified identity) to the run's ledger stream, then submits the entry's reference
/// to the workflow as an update and answers with its judgement (architecture, "approvals nobody can forge"; ADR 0022).
/// </summary>
public static class ApprovalEndpoints
{
    public static IEndpointRouteBuilder MapApprovalEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/runs/{runId}/approvals", SubmitAsync).WithTags("Approvals").RequireAuthorization(AccessPolicies.Approve)
            .Validated<SubmitApprovalRequest>()
            .WithSummary("Sign an approve/reject decision on a run's evidence: 200 with the workflow's judgement, 202 when it has not answered in time, "
                + "403/409 when it does not count. Honours Idempotency-Key.");
        app.MapGet("/api/approvals/pending", async (HttpContext http, ApprovalService approvals, CanaryDecisionService canaries) =>
            {
                var (user, roles) = http.Caller();
                IReadOnlyList<PendingApprovalItem> pending = [.. await approvals.PendingAsync(user, roles, http.RequestAborted), .. await canaries.PendingAsync(user, roles, http.RequestAborted)];
                return TypedResults.Ok(pending);
            })
            .WithTags("Approvals").RequireAuthorization(AccessPolicies.Approve).WithSummary("Runs waiting for the caller's decision.");
        return app;
    }

    private static async Task<IResult> SubmitAsync(string runId, SubmitApprovalRequest request, HttpContext http, ApprovalService approvals)
    {
        var (key, problem) = Idempotency.Read(http);
        if (problem is not null)
        {
            return problem;
        }

        var (user, roles) = http.Caller();
        var decision = request.Decision == "approve" ? ApprovalDecision.Approve : ApprovalDecision.Reject;
        var result = await approvals.SubmitAsync(
            new ApprovalSubmission(runId, user, roles, decision, request.Reason, request.EvidenceDigest, key, $"http:{http.TraceIdentifier}",
                request.AcceptNoCanaryComparison == true), http.RequestAborted);
        var recorded = result.Entry is { } entry ? new ApprovalRecorded(runId, entry.StreamId, entry.Version, entry.Hash, request.Decision, result.Judgement) : null;
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
