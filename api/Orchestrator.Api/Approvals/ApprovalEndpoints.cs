using Orchestrator.Api.Hosting;
using Orchestrator.Api.Http;
using Orchestrator.Api.Identity;
using Orchestrator.Api.Runs;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Projections;
using Orchestrator.Contracts;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Lifecycle;
using Temporalio.Client;
using Temporalio.Exceptions;
using LedgerDecision = Orchestrator.Audit.Events.ApprovalDecision;
using LedgerRunStatus = Orchestrator.Audit.Replay.RunStatus;

namespace Orchestrator.Api.Approvals;

/// <summary>
/// Approvals: the API appends ApprovalSigned (signed by the verified identity) to the run's ledger stream
/// BEFORE it signals the workflow with the entry's reference; the workflow confirms the entry and applies
/// the approval rules itself (architecture, "approvals nobody can forge").
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

    private static async Task<IResult> SubmitAsync(
        string runId, SubmitApprovalRequest request, HttpContext http, AuditReadModels readModels, IAuditLedger ledger, ITemporalClient temporal,
        ApiMetrics metrics, TimeProvider time)
    {
        var (key, problem) = Idempotency.Read(http);
        if (problem is not null)
        {
            return problem;
        }

        var cancellationToken = http.RequestAborted;
        if (!RunWorkflows.IsRunId(runId) || await readModels.RunAsync(AuditStreams.Run(runId), cancellationToken) is not { } run)
        {
            return Problems.NotFound($"No run '{runId}'.");
        }

        var (user, roles) = http.Caller();
        if (run.RequestedBy == user)
        {
            return Problems.Forbidden("Separation of duties: you requested this run, so you cannot approve or reject it.");
        }

        if (run.Status != LedgerRunStatus.Running || run.Stage != "awaiting-approval" || run.ApprovalEvidenceDigest is null)
        {
            return Problems.Conflict($"The run is not waiting for approval (status {run.Status.ToString().ToLowerInvariant()}, stage {run.Stage}).");
        }

        if (!string.Equals(request.EvidenceDigest, run.ApprovalEvidenceDigest, StringComparison.Ordinal))
        {
            return Problems.Conflict($"The evidence changed: the open request is for {run.ApprovalEvidenceDigest}; review it again before signing.");
        }

        var decision = request.Decision == "approve" ? LedgerDecision.Approve : LedgerDecision.Reject;
        var signed = new ApprovalSigned(user, roles, decision, request.Reason, request.EvidenceDigest);
        var context = new AuditContext(Actor.User(user, roles), new Correlation(ModelLifecycleWorkflow.WorkflowId(runId), runId),
            key is null ? $"http:{http.TraceIdentifier}" : $"idempotency-key:{key}", [EvidenceDigest.Of("approval-evidence", Digest.Parse(request.EvidenceDigest), null)]);
        var ledgerKey = $"approval-signed/{Idempotency.DeriveId("approval", user, key ?? Idempotency.NewId())}";
        LedgerEntry entry;
        try
        {
            entry = await ledger.AppendAsync(AuditStreams.Run(runId), signed, context, ledgerKey, cancellationToken);
        }
        catch (IdempotencyConflictException)
        {
            return Problems.Conflict($"The {Idempotency.Header} was already used for a different decision.");
        }

        try
        {
            await temporal.GetWorkflowHandle<ModelLifecycleWorkflow>(ModelLifecycleWorkflow.WorkflowId(runId))
                .SignalAsync(wf => wf.SubmitApprovalAsync(new LedgerEntryRef(entry.StreamId, entry.Version, entry.Hash)),
                    new WorkflowSignalOptions { Rpc = new RpcOptions { CancellationToken = cancellationToken } });
        }
        catch (RpcException e)
        {
            return Problems.Unavailable($"The signature is recorded at {entry.StreamId}@{entry.Version} but the workflow could not be signalled ({e.Message}); "
                + $"repeat the request with the same {Idempotency.Header} to signal again.");
        }

        metrics.ApprovalSigned(request.Decision, await SinceRequestAsync(ledger, run.StreamVersion, AuditStreams.Run(runId), time, cancellationToken));
        return TypedResults.Accepted($"/api/runs/{runId}", new ApprovalAccepted(runId, entry.StreamId, entry.Version, entry.Hash, request.Decision));
    }

    /// <summary>How long after the latest ApprovalRequested this decision came (the approval latency meter).</summary>
    private static async Task<TimeSpan?> SinceRequestAsync(IAuditLedger ledger, long streamVersion, string stream, TimeProvider time, CancellationToken cancellationToken)
    {
        var from = Math.Max(1, streamVersion - 20);
        var entries = await ledger.ReadStreamAsync(stream, from, 50, cancellationToken);
        return entries.LastOrDefault(e => e.Data is ApprovalRequested) is { } requested ? time.GetUtcNow() - requested.RecordedAt : null;
    }

    private static async Task<IResult> PendingAsync(HttpContext http, AuditReadModels readModels)
    {
        var (user, _) = http.Caller();
        var pending = new List<PendingApprovalItem>();
        const int page = 200;
        for (var skip = 0; ; skip += page)
        {
            var runs = await readModels.ListRunsAsync(new RunFilter(LedgerRunStatus.Running), skip, page, http.RequestAborted);
            pending.AddRange(runs
                .Where(r => r.Stage == "awaiting-approval" && r.ApprovalEvidenceDigest is not null && r.RequestedBy != user
                    && !r.Approvals.Any(a => a.Approver == user && a.EvidenceDigest == r.ApprovalEvidenceDigest))
                .Select(r => new PendingApprovalItem(r.RunId ?? r.Id, r.ModelName, r.ModelVersion, r.RequestedBy, r.ApprovalEvidenceDigest!,
                    r.Approvals.Count(a => a.EvidenceDigest == r.ApprovalEvidenceDigest), $"/api/runs/{r.RunId}")));
            if (runs.Count < page)
            {
                return TypedResults.Ok(pending);
            }
        }
    }
}
