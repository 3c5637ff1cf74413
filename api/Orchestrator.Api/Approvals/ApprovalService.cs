using Microsoft.Extensions.Options;
using Orchestrator.Api.Hosting;
using Orchestrator.Api.Http;
using Orchestrator.Api.Runs;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Projections;
using Orchestrator.Contracts;
using Orchestrator.Operations.Models;
using Orchestrator.Operations.Policies;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Deploy;
using Orchestrator.Workflows.Lifecycle;
using Temporalio.Client;
using Temporalio.Exceptions;
using ApprovalDecision = Orchestrator.Workflows.Approve.ApprovalDecision;
using LedgerDecision = Orchestrator.Audit.Events.ApprovalDecision;
using LedgerRunStatus = Orchestrator.Audit.Replay.RunStatus;

namespace Orchestrator.Api.Approvals;

/// <summary>Settings of approval submission (section <see cref="Section"/>).</summary>
public sealed class ApprovalOptions
{
    public const string Section = "Orchestrator:Approvals";

    /// <summary>How long a submission waits for the workflow's judgement before it answers 202 (the judgement follows in the ledger).</summary>
    public TimeSpan JudgementWait { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>One approver's decision on a run, as the HTTP endpoint and the console submit it.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Approver">The verified identity signing.</param>
/// <param name="Roles">Their verified roles.</param>
/// <param name="Decision">Approve or reject.</param>
/// <param name="Reason">Why (kept in the audit trail).</param>
/// <param name="EvidenceDigest">The evidence digest they reviewed.</param>
/// <param name="IdempotencyKey">The caller's repeat-safe key, or null (then every submission is a new signature).</param>
/// <param name="Causation">What caused it (the HTTP request when there is no key).</param>
/// <param name="AcceptNoCanaryComparison">The approval explicitly accepts deploying a first version without a canary comparison (ADR 0044).</param>
public sealed record ApprovalSubmission(
    string RunId, string Approver, IReadOnlyList<string> Roles, ApprovalDecision Decision, string Reason, string EvidenceDigest, string? IdempotencyKey, string Causation,
    bool AcceptNoCanaryComparison = false);

/// <summary>How a submission ended.</summary>
public enum ApprovalSubmissionStatus
{
    /// <summary>No such run.</summary>
    NotFound,

    /// <summary>Refused before anything was recorded: separation of duties or a role that may not approve (403).</summary>
    Forbidden,

    /// <summary>Refused before anything was recorded, or the workflow did not take the recorded signature (409).</summary>
    Conflict,

    /// <summary>Recorded, but the workflow could not be reached (503: repeat with the same idempotency key).</summary>
    Unavailable,

    /// <summary>Recorded; the workflow has not answered within the wait (202: the judgement follows in the ledger).</summary>
    Recorded,

    /// <summary>Recorded and judged: counted, approved or rejected (200).</summary>
    Judged,
}

/// <summary>The result of a submission: the recorded entry (when one was written) and the workflow's judgement (when it answered).</summary>
public sealed record ApprovalSubmissionResult(ApprovalSubmissionStatus Status, string Detail, LedgerEntry? Entry = null, ApprovalJudgement? Judgement = null);

/// <summary>
/// Approvals, ledger first (ADR 0022, 0037): the same <see cref="ApprovalRules"/> as the workflow decide up front
/// (nothing is recorded when they refuse); then ApprovalSigned is appended as the verified approver, and its
/// reference is submitted to the run's workflow as the update <see cref="ModelLifecycleWorkflow.JudgeApprovalAsync"/>,
/// whose answer is the approver's. The update id is the ledger key, so a repeat with the same idempotency key
/// lands on the same entry and the same update.
/// </summary>
public sealed class ApprovalService(
    AuditReadModels readModels, IAuditLedger ledger, ITemporalClient temporal, PolicyCatalog policies, ApiMetrics metrics, TimeProvider time, IOptions<ApprovalOptions> options)
{
    /// <summary>Checks, records and submits one decision.</summary>
    public async Task<ApprovalSubmissionResult> SubmitAsync(ApprovalSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var runId = submission.RunId;
        if (!RunWorkflows.IsRunId(runId) || await readModels.RunAsync(AuditStreams.Run(runId), cancellationToken) is not { } run)
        {
            return new(ApprovalSubmissionStatus.NotFound, $"No run '{runId}'.");
        }

        if (run.Status != LedgerRunStatus.Running || run.Stage != "awaiting-approval" || run.ApprovalEvidenceDigest is null)
        {
            return new(ApprovalSubmissionStatus.Conflict, $"The run is not waiting for approval (status {run.Status.ToString().ToLowerInvariant()}, stage {run.Stage}).");
        }

        if (ApprovalPrecheck.Terms(run, policies) is not { } policy)
        {
            return new(ApprovalSubmissionStatus.Conflict, $"This service does not hold the run's policy {run.PolicyVersion}, so it cannot check the approval.");
        }

        var check = ApprovalPrecheck.Check(run, policy, submission.Approver, submission.Roles, submission.Decision, submission.Reason, submission.EvidenceDigest, time.GetUtcNow());
        // With an idempotency key, a repeat of the caller's own earlier submission is the same signature, not a second one:
        // the ledger and the update id deduplicate it, so only a repeat without a key is refused here as a duplicate.
        if (!check.Accepted && !(check.Refusal == ApprovalRefusal.Duplicate && submission.IdempotencyKey is not null))
        {
            return check.Refusal switch
            {
                ApprovalRefusal.SeparationOfDuties => new(ApprovalSubmissionStatus.Forbidden, "Separation of duties: " + check.Explanation + "."),
                ApprovalRefusal.NotEligible => new(ApprovalSubmissionStatus.Forbidden, check.Explanation + "."),
                ApprovalRefusal.StaleEvidence => new(ApprovalSubmissionStatus.Conflict,
                    $"The evidence changed: the open request is for {run.ApprovalEvidenceDigest}; review it again before signing."),
                _ => new(ApprovalSubmissionStatus.Conflict, check.Explanation + "."),
            };
        }

        if (submission.AcceptNoCanaryComparison
            && NoCanaryComparison.CheckRequest(submission.Decision, run.ModelName ?? "", await ProductionVersionAsync(run.ModelName, cancellationToken)) is { } refusal)
        {
            return new(ApprovalSubmissionStatus.Conflict, refusal + ".");
        }

        var key = LedgerKey(submission);
        var entry = await RecordAsync(submission, key, cancellationToken);
        if (entry is null)
        {
            return new(ApprovalSubmissionStatus.Conflict, $"The {Idempotency.Header} was already used for a different decision.");
        }

        // The acceptance is its own signed entry right after the approval it goes with (ApprovalSigned is never reshaped); the workflow
        // then receives the acceptance's reference and confirms both entries.
        var (submitted, updateId) = (entry, key);
        if (submission.AcceptNoCanaryComparison)
        {
            updateId = key + "/" + NoCanaryComparisonKey;
            if (await RecordAcceptanceAsync(submission, run.ModelName!, entry, updateId, cancellationToken) is not { } accepted)
            {
                return new(ApprovalSubmissionStatus.Conflict, $"The {Idempotency.Header} was already used for a different decision.", entry);
            }

            submitted = accepted;
        }

        var result = await JudgeAsync(runId, submitted, updateId, cancellationToken);
        if (result.Entry is not null && !ReferenceEquals(submitted, entry))
        {
            result = result with { Entry = entry };
        }

        if (result.Status is ApprovalSubmissionStatus.Judged or ApprovalSubmissionStatus.Recorded)
        {
            metrics.ApprovalSigned(submission.Decision == ApprovalDecision.Approve ? "approve" : "reject",
                await SinceRequestAsync(run.StreamVersion, AuditStreams.Run(runId), cancellationToken));
        }

        return result;
    }

    /// <summary>The runs awaiting approval whose open request <paramref name="approver"/> may sign now (by the same rules).</summary>
    public async Task<IReadOnlyList<PendingApprovalItem>> PendingAsync(string approver, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        var pending = new List<PendingApprovalItem>();
        const int page = 200;
        var now = time.GetUtcNow();
        for (var skip = 0; ; skip += page)
        {
            var runs = await readModels.ListRunsAsync(new RunFilter(LedgerRunStatus.Running), skip, page, cancellationToken);
            pending.AddRange(runs
                .Where(r => r.Stage == "awaiting-approval" && r.ApprovalEvidenceDigest is not null
                    && !r.Approvals.Any(a => string.Equals(a.Approver, approver, StringComparison.OrdinalIgnoreCase) && a.EvidenceDigest == r.ApprovalEvidenceDigest)
                    && ApprovalPrecheck.Terms(r, policies) is { } policy
                    && ApprovalPrecheck.Check(r, policy, approver, roles, ApprovalDecision.Approve, "", r.ApprovalEvidenceDigest, now).Accepted)
                .Select(r => new PendingApprovalItem(r.RunId ?? r.Id, r.ModelName, r.ModelVersion, r.RequestedBy, r.ApprovalEvidenceDigest!,
                    ApprovalPrecheck.Counted(r).Count, $"/api/runs/{r.RunId}")));
            if (runs.Count < page)
            {
                return pending;
            }
        }
    }

    private const string NoCanaryComparisonKey = "no-canary-comparison";

    /// <summary>The model's production version now (null: none, so its next deployment is a first deployment).</summary>
    private async Task<int?> ProductionVersionAsync(string? modelName, CancellationToken cancellationToken) =>
        modelName is null ? null
        : (await readModels.ModelAsync(AuditStreams.Model(modelName), cancellationToken))?.Aliases.GetValueOrDefault(ModelState.ProductionAlias)?.Version;

    /// <returns>The NoCanaryComparisonAccepted entry, or null when the key was used for a different fact.</returns>
    private async Task<LedgerEntry?> RecordAcceptanceAsync(ApprovalSubmission s, string modelName, LedgerEntry approval, string key, CancellationToken cancellationToken)
    {
        var accepted = new NoCanaryComparisonAccepted(s.Approver, s.Roles, modelName, new LedgerReference(approval.StreamId, approval.Version, approval.Hash), s.EvidenceDigest);
        var context = new AuditContext(Actor.User(s.Approver, s.Roles), new Correlation(ModelLifecycleWorkflow.WorkflowId(s.RunId), s.RunId),
            $"ledger:{approval.StreamId}@{approval.Version}", [EvidenceDigest.Of("approval-evidence", Digest.Parse(s.EvidenceDigest), null)]);
        try
        {
            return await ledger.AppendAsync(AuditStreams.Run(s.RunId), accepted, context, key, cancellationToken);
        }
        catch (IdempotencyConflictException)
        {
            return null;
        }
    }

    /// <summary>The ledger key, also the update id: derived from the approver and their idempotency key, fresh without one.</summary>
    private static string LedgerKey(ApprovalSubmission s) => $"approval-signed/{Idempotency.DeriveId("approval", s.Approver, s.IdempotencyKey ?? Idempotency.NewId())}";

    /// <returns>The ApprovalSigned entry, or null when the idempotency key was used for a different decision.</returns>
    private async Task<LedgerEntry?> RecordAsync(ApprovalSubmission s, string key, CancellationToken cancellationToken)
    {
        var decision = s.Decision == ApprovalDecision.Approve ? LedgerDecision.Approve : LedgerDecision.Reject;
        var signed = new ApprovalSigned(s.Approver, s.Roles, decision, s.Reason, s.EvidenceDigest);
        var context = new AuditContext(Actor.User(s.Approver, s.Roles), new Correlation(ModelLifecycleWorkflow.WorkflowId(s.RunId), s.RunId),
            s.IdempotencyKey is null ? s.Causation : $"idempotency-key:{s.IdempotencyKey}", [EvidenceDigest.Of("approval-evidence", Digest.Parse(s.EvidenceDigest), null)]);
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
                .ExecuteUpdateAsync(wf => wf.JudgeApprovalAsync(new LedgerEntryRef(entry.StreamId, entry.Version, entry.Hash)),
                    new WorkflowUpdateOptions(updateId) { Rpc = new RpcOptions { CancellationToken = wait.Token } });
            return judgement.Outcome is ApprovalJudgements.Refused or ApprovalJudgements.Closed
                ? new(ApprovalSubmissionStatus.Conflict, $"The signature is recorded at {at} but did not count ({judgement.Outcome}): {judgement.Explanation}.", entry, judgement)
                : new(ApprovalSubmissionStatus.Judged, $"{judgement.Outcome}: {judgement.Explanation}", entry, judgement);
        }
        catch (WorkflowUpdateFailedException e)
        {
            var why = e.InnerException is ApplicationFailureException { ErrorType: ApprovalErrors.NotAwaitingApproval or ApprovalErrors.WrongRun } refused ? refused.Message : e.InnerException?.Message ?? e.Message;
            return new(ApprovalSubmissionStatus.Conflict, $"The signature is recorded at {at} but the run does not take it: {why}.", entry);
        }
        catch (WorkflowUpdateRpcTimeoutOrCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new(ApprovalSubmissionStatus.Recorded, $"The signature is recorded at {at}; the workflow has not judged it yet (see the run).", entry);
        }
        catch (RpcException e) when (e.Code == RpcException.StatusCode.NotFound)
        {
            return new(ApprovalSubmissionStatus.Conflict, $"The signature is recorded at {at} but the run's workflow is not running.", entry);
        }
        catch (RpcException e)
        {
            return new(ApprovalSubmissionStatus.Unavailable, $"The signature is recorded at {at} but the workflow could not be reached ({e.Message}); "
                + $"repeat the request with the same {Idempotency.Header} to submit it again.", entry);
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
