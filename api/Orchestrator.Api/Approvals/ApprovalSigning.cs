using Orchestrator.Api.Hosting;
using Orchestrator.Api.Http;
using Orchestrator.Api.Runs;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Projections;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Lifecycle;
using Temporalio.Client;
using Temporalio.Exceptions;
using LedgerDecision = Orchestrator.Audit.Events.ApprovalDecision;
using LedgerRunStatus = Orchestrator.Audit.Replay.RunStatus;

namespace Orchestrator.Api.Approvals;

/// <summary>
/// Signing a decision, for the API and the console alike: the checks the API makes before anything is written
/// (the run waits for approval, the signer did not request it, the digest is the open request's), then
/// ApprovalSigned appended as the signer BEFORE the workflow is signalled with the entry's reference; the workflow
/// confirms the entry and applies the approval rules itself (architecture, "approvals nobody can forge").
/// </summary>
public sealed class ApprovalSigning(AuditReadModels readModels, IAuditLedger ledger, ITemporalClient temporal, ApiMetrics metrics, TimeProvider time)
{
    /// <summary>Why a requester is refused, in the words both the API and the console show.</summary>
    public const string SeparationOfDuties = "Separation of duties: you requested this run, so you cannot approve or reject it.";

    /// <summary>
    /// Signs <paramref name="request"/> (one its validator accepted) on run <paramref name="runId"/> as <paramref name="user"/> with
    /// <paramref name="roles"/>. <paramref name="idempotencyKey"/>: the same key signs once (null: a fresh signature);
    /// <paramref name="causation"/>: what caused the entry (the HTTP request or the key), as the ledger records it.
    /// </summary>
    public async Task<Outcome<ApprovalAccepted>> SignAsync(string runId, SubmitApprovalRequest request, string user, IReadOnlyList<string> roles,
        string? idempotencyKey, string causation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!RunWorkflows.IsRunId(runId) || await readModels.RunAsync(RunWorkflows.Stream(runId), cancellationToken) is not { } run)
        {
            return Outcome.Refused<ApprovalAccepted>(OutcomeKind.NotFound, $"No run '{runId}'.");
        }

        if (run.RequestedBy == user)
        {
            return Outcome.Refused<ApprovalAccepted>(OutcomeKind.Forbidden, SeparationOfDuties);
        }

        if (run.Status != LedgerRunStatus.Running || run.Stage != "awaiting-approval" || run.ApprovalEvidenceDigest is null)
        {
            return Outcome.Refused<ApprovalAccepted>(OutcomeKind.Conflict,
                $"The run is not waiting for approval (status {run.Status.ToString().ToLowerInvariant()}, stage {run.Stage}).");
        }

        if (!string.Equals(request.EvidenceDigest, run.ApprovalEvidenceDigest, StringComparison.Ordinal))
        {
            return Outcome.Refused<ApprovalAccepted>(OutcomeKind.Conflict,
                $"The evidence changed: the open request is for {run.ApprovalEvidenceDigest}; review it again before signing.");
        }

        var decision = request.Decision == "approve" ? LedgerDecision.Approve : LedgerDecision.Reject;
        var signed = new ApprovalSigned(user, roles, decision, request.Reason, request.EvidenceDigest);
        var context = new AuditContext(Actor.User(user, roles), new Correlation(RunWorkflows.WorkflowId(runId), runId), causation,
            [new EvidenceDigest("approval-evidence", request.EvidenceDigest["sha256:".Length..], null)]);
        var ledgerKey = $"approval-signed/{Idempotency.DeriveId("approval", user, idempotencyKey ?? Idempotency.NewId())}";
        LedgerEntry entry;
        try
        {
            entry = await ledger.AppendAsync(RunWorkflows.Stream(runId), signed, context, ledgerKey, cancellationToken);
        }
        catch (IdempotencyConflictException)
        {
            return Outcome.Refused<ApprovalAccepted>(OutcomeKind.Conflict, $"The {Idempotency.Header} was already used for a different decision.");
        }

        try
        {
            await temporal.GetWorkflowHandle<ModelLifecycleWorkflow>(RunWorkflows.WorkflowId(runId))
                .SignalAsync(wf => wf.SubmitApprovalAsync(new LedgerEntryRef(entry.StreamId, entry.Version, entry.Hash)),
                    new WorkflowSignalOptions { Rpc = new RpcOptions { CancellationToken = cancellationToken } });
        }
        catch (RpcException e)
        {
            return Outcome.Refused<ApprovalAccepted>(OutcomeKind.Unavailable,
                $"The signature is recorded at {entry.StreamId}@{entry.Version} but the workflow could not be signalled ({e.Message}); "
                + $"repeat the request with the same {Idempotency.Header} to signal again.");
        }

        metrics.ApprovalSigned(request.Decision, await SinceRequestAsync(run.StreamVersion, RunWorkflows.Stream(runId), cancellationToken));
        return Outcome.Done(new ApprovalAccepted(runId, entry.StreamId, entry.Version, entry.Hash, request.Decision));
    }

    /// <summary>Runs waiting for <paramref name="user"/>'s decision: awaiting approval, not requested by them, not yet signed by them on this evidence.</summary>
    public async Task<IReadOnlyList<PendingApprovalItem>> PendingAsync(string user, CancellationToken cancellationToken)
    {
        var pending = new List<PendingApprovalItem>();
        const int page = 200;
        for (var skip = 0; ; skip += page)
        {
            var runs = await readModels.ListRunsAsync(new RunFilter(LedgerRunStatus.Running), skip, page, cancellationToken);
            pending.AddRange(runs
                .Where(r => r.Stage == "awaiting-approval" && r.ApprovalEvidenceDigest is not null && r.RequestedBy != user
                    && !r.Approvals.Any(a => a.Approver == user && a.EvidenceDigest == r.ApprovalEvidenceDigest))
                .Select(r => new PendingApprovalItem(r.RunId ?? r.Id, r.ModelName, r.ModelVersion, r.RequestedBy, r.ApprovalEvidenceDigest!,
                    r.Approvals.Count(a => a.EvidenceDigest == r.ApprovalEvidenceDigest), $"/api/runs/{r.RunId}")));
            if (runs.Count < page)
            {
                return pending;
            }
        }
    }

    /// <summary>How long after the latest ApprovalRequested this decision came (the approval latency meter).</summary>
    private async Task<TimeSpan?> SinceRequestAsync(long streamVersion, string stream, CancellationToken cancellationToken)
    {
        var from = Math.Max(1, streamVersion - 20);
        var entries = await ledger.ReadStreamAsync(stream, from, 50, cancellationToken);
        return entries.LastOrDefault(e => e.Data is ApprovalRequested) is { } requested ? time.GetUtcNow() - requested.RecordedAt : null;
    }
}
