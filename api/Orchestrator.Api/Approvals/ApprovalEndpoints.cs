using Orchestrator.Api.Http;
using Orchestrator.Api.Identity;

namespace Orchestrator.Api.Approvals;

/// <summary>
/// Approvals over HTTP: the body is validated, then <see cref="ApprovalSigning"/> appends ApprovalSigned (signed by the
/// verified identity) to the run's ledger stream BEFORE it signals the workflow with the entry's reference; the
/// console signs through the same service.
/// </summary>
public static class ApprovalEndpoints
{
    public static IEndpointRouteBuilder MapApprovalEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/runs/{runId}/approvals", SubmitAsync).WithTags("Approvals").RequireAuthorization(AccessPolicies.Approve)
            .Validated<SubmitApprovalRequest>().WithSummary("Sign an approve/reject decision on a run's evidence (202). Honours Idempotency-Key.");
        app.MapGet("/api/approvals/pending", PendingAsync).WithTags("Approvals").RequireAuthorization(AccessPolicies.Approve)
            .WithSummary("Runs waiting for the caller's decision.");
        return app;
    }

    private static async Task<IResult> SubmitAsync(string runId, SubmitApprovalRequest request, HttpContext http, ApprovalSigning signing)
    {
        var (key, problem) = Idempotency.Read(http);
        if (problem is not null)
        {
            return problem;
        }

        var (user, roles) = http.Caller();
        var causation = key is null ? $"http:{http.TraceIdentifier}" : $"idempotency-key:{key}";
        var outcome = await signing.SignAsync(runId, request, user, roles, key, causation, http.RequestAborted);
        return outcome.ToResult(accepted => TypedResults.Accepted($"/api/runs/{runId}", accepted));
    }

    private static async Task<IResult> PendingAsync(HttpContext http, ApprovalSigning signing) =>
        TypedResults.Ok(await signing.PendingAsync(http.Caller().User, http.RequestAborted));
}
