using Microsoft.Extensions.Options;
using Orchestrator.Api.Http;
using Orchestrator.Api.Runs;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Projections;
using Orchestrator.Audit.Replay;
using Orchestrator.Contracts;
using Orchestrator.Operations.Policies;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Deploy;
using Orchestrator.Workflows.Lifecycle;
using Temporalio.Client;
using Temporalio.Exceptions;
using LedgerRunStatus = Orchestrator.Audit.Replay.RunStatus;

namespace Orchestrator.Api.Approvals;

/// <summary>One approver's decision on a held canary.</summary>
public sealed record CanaryDecisionSubmission(
    string RunId, string Approver, IReadOnlyList<string> Roles, CanaryDecisionKind Decision, string Reason, string EvidenceDigest, string? IdempotencyKey, string Causation);

/// <summary>
/// Decisions on held canaries, ledger first like approvals (ADR 0040): <see cref="CanaryDecisionRules"/> decide up front on the
/// run as the ledger folds it (nothing is recorded when they refuse), CanaryDecisionSigned is appended as the verified approver,
/// then its reference is submitted as the update <see cref="ModelLifecycleWorkflow.JudgeCanaryDecisionAsync"/> (update id = ledger key).
/// </summary>
public sealed class CanaryDecisionService(
    AuditReadModels readModels, IAuditLedger ledger, ITemporalClient temporal, PolicyCatalog policies, TimeProvider time, IOptions<ApprovalOptions> options)
{
    /// <summary>The run stage while a canary waits for a decision (RunFold).</summary>
    public const string HeldStage = "canary-held";

    /// <summary>Checks, records and submits one decision.</summary>
    public async Task<ApprovalSubmissionResult> SubmitAsync(CanaryDecisionSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var runId = submission.RunId;
        if (!RunWorkflows.IsRunId(runId) || await readModels.RunAsync(AuditStreams.Run(runId), cancellationToken) is not { } run)
        {
            return new(ApprovalSubmissionStatus.NotFound, $"No run '{runId}'.");
        }

        if (run.Status != LedgerRunStatus.Running || run.Stage != HeldStage || run.CanaryHold is not { } hold)
        {
            return new(ApprovalSubmissionStatus.Conflict, $"The run has no canary held for a decision (status {run.Status.ToString().ToLowerInvariant()}, stage {run.Stage}).");
        }

        if (ApprovalPrecheck.Terms(run, policies) is not { } policy)
        {
            return new(ApprovalSubmissionStatus.Conflict, $"This service does not hold the run's policy {run.PolicyVersion}, so it cannot check the decision.");
        }

        var check = Check(run, hold, policy, submission.Approver, submission.Roles, submission.Decision, submission.Reason, submission.EvidenceDigest, time.GetUtcNow());
        if (!check.Accepted)
        {
            return check.Refusal switch
            {
                ApprovalRefusal.SeparationOfDuties => new(ApprovalSubmissionStatus.Forbidden, "Separation of duties: " + check.Explanation + "."),
                ApprovalRefusal.NotEligible => new(ApprovalSubmissionStatus.Forbidden, check.Explanation + "."),
                ApprovalRefusal.StaleEvidence => new(ApprovalSubmissionStatus.Conflict,
                    $"The evidence differs: the held canary's evidence is {hold.EvidenceDigest}; review it again before deciding."),
                _ => new(ApprovalSubmissionStatus.Conflict, check.Explanation + "."),
            };
        }

        var key = $"canary-decision-signed/{Idempotency.DeriveId("canary-decision", submission.Approver, submission.IdempotencyKey ?? Idempotency.NewId())}";
        var entry = await RecordAsync(submission, key, cancellationToken);
        return entry is null
            ? new(ApprovalSubmissionStatus.Conflict, $"The {Idempotency.Header} was already used for a different decision.")
            : await JudgeAsync(runId, entry, key, cancellationToken);
    }

    /// <summary>The runs whose held canary <paramref name="approver"/> may decide now (by the same rules).</summary>
    public async Task<IReadOnlyList<PendingApprovalItem>> PendingAsync(string approver, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        var pending = new List<PendingApprovalItem>();
        const int page = 200;
        var now = time.GetUtcNow();
        for (var skip = 0; ; skip += page)
        {
            var runs = await readModels.ListRunsAsync(new RunFilter(LedgerRunStatus.Running), skip, page, cancellationToken);
            pending.AddRange(runs
                .Where(r => r.Stage == HeldStage && r.CanaryHold is { } hold && ApprovalPrecheck.Terms(r, policies) is { } policy
                    && Check(r, hold, policy, approver, roles, CanaryDecisionKind.Rollback, "pending", hold.EvidenceDigest, now).Accepted)
                .Select(r => new PendingApprovalItem(r.RunId ?? r.Id, r.ModelName, r.CanaryHold!.ModelVersion, r.RequestedBy, r.CanaryHold.EvidenceDigest,
                    r.CanaryHold.Decisions.Count, $"/api/runs/{r.RunId}", Kind: PendingKinds.CanaryDecision,
                    Summary: $"canary held: waiting for a decision ({r.CanaryHold.CanaryRequests} canary requests, {r.CanaryHold.ProductionRequests} production; {r.CanaryHold.Reason})")));
            if (runs.Count < page)
            {
                return pending;
            }
        }
    }

    /// <summary>Whether the decision would count now, by the rules the workflow applies (the run's requester and contributors are excluded).</summary>
    public static ApprovalCheck Check(
        RunSummary run, CanaryHoldRecord hold, ApprovalPolicy policy, string approver, IReadOnlyList<string> roles, CanaryDecisionKind decision, string reason, string evidenceDigest,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(hold);
        var requester = run.RequestedBy ?? "";
        var request = new ApprovalRequest(requester, [requester], hold.EvidenceDigest, hold.Deadline,
            run.Contributors.Select(c => new RunContributor(c.Identity, c.Contribution)).ToList());
        var signed = new SignedCanaryDecision(new LedgerEntryRef(run.Id, 0, ""), approver, roles, decision, reason, evidenceDigest, now);
        return CanaryDecisionRules.Check(signed, request, policy, now);
    }

    /// <returns>The CanaryDecisionSigned entry, or null when the idempotency key was used for a different decision.</returns>
    private async Task<LedgerEntry?> RecordAsync(CanaryDecisionSubmission s, string key, CancellationToken cancellationToken)
    {
        var signed = new CanaryDecisionSigned(s.Approver, s.Roles, CanaryDecisionRules.Name(s.Decision), s.Reason, s.EvidenceDigest);
        var context = new AuditContext(Actor.User(s.Approver, s.Roles), new Correlation(ModelLifecycleWorkflow.WorkflowId(s.RunId), s.RunId),
            s.IdempotencyKey is null ? s.Causation : $"idempotency-key:{s.IdempotencyKey}", [EvidenceDigest.Of("canary-hold-evidence", Digest.Parse(s.EvidenceDigest), null)]);
        try
        {
            return await ledger.AppendAsync(AuditStreams.Run(s.RunId), signed, context, key, cancellationToken);
        }
        catch (IdempotencyConflictException)
        {
            return null;
        }
    }

    private async Task<ApprovalSubmissionResult> JudgeAsync(string runId, LedgerEntry entry, string updateId, CancellationToken cancellationToken)
    {
        var at = $"{entry.StreamId}@{entry.Version}";
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(options.Value.JudgementWait);
        try
        {
            var judgement = await temporal.GetWorkflowHandle<ModelLifecycleWorkflow>(ModelLifecycleWorkflow.WorkflowId(runId))
                .ExecuteUpdateAsync(wf => wf.JudgeCanaryDecisionAsync(new LedgerEntryRef(entry.StreamId, entry.Version, entry.Hash)),
                    new WorkflowUpdateOptions(updateId) { Rpc = new RpcOptions { CancellationToken = wait.Token } });
            return judgement.Outcome is ApprovalJudgements.Refused or ApprovalJudgements.Closed
                ? new(ApprovalSubmissionStatus.Conflict, $"The decision is recorded at {at} but did not count ({judgement.Outcome}): {judgement.Explanation}.", entry, judgement)
                : new(ApprovalSubmissionStatus.Judged, $"{judgement.Outcome}: {judgement.Explanation}", entry, judgement);
        }
        catch (WorkflowUpdateFailedException e)
        {
            var why = e.InnerException is ApplicationFailureException { ErrorType: CanaryDecisionErrors.NotHeld or ApprovalErrors.WrongRun } refused ? refused.Message : e.InnerException?.Message ?? e.Message;
            return new(ApprovalSubmissionStatus.Conflict, $"The decision is recorded at {at} but the run does not take it: {why}.", entry);
        }
        catch (WorkflowUpdateRpcTimeoutOrCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new(ApprovalSubmissionStatus.Recorded, $"The decision is recorded at {at}; the workflow has not judged it yet (see the run).", entry);
        }
        catch (RpcException e) when (e.Code == RpcException.StatusCode.NotFound)
        {
            return new(ApprovalSubmissionStatus.Conflict, $"The decision is recorded at {at} but the run's workflow is not running.", entry);
        }
        catch (RpcException e)
        {
            return new(ApprovalSubmissionStatus.Unavailable, $"The decision is recorded at {at} but the workflow could not be reached ({e.Message}); "
                + $"repeat the request with the same {Idempotency.Header} to submit it again.", entry);
        }
    }
}
