using Microsoft.Extensions.Options;
using Orchestrator.Api.Approvals;
using Orchestrator.Api.Http;
using Orchestrator.Api.Runs;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Projections;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Lifecycle;
using Orchestrator.Workflows.QualityControl;
using Temporalio.Client;
using Temporalio.Exceptions;
using LedgerRunStatus = Orchestrator.Audit.Replay.RunStatus;

namespace Orchestrator.Api.GoldAudits;

/// <summary>How a gold-audit submission ended.</summary>
public enum GoldAuditStatus
{
    NotFound,
    Invalid,
    Forbidden,
    Conflict,
    Unavailable,
    Recorded,
    Judged,
}

/// <summary>The result of a submission: the recorded entry (when one was written), the workflow's judgement, or the input's problems.</summary>
public sealed record GoldAuditResult(GoldAuditStatus Status, string Detail, LedgerEntry? Entry = null, GoldAuditJudgement? Judgement = null, IReadOnlyList<string>? ProblemList = null)
{
    /// <summary>The input's problems (400), one per bad label.</summary>
    public IReadOnlyList<string> Problems => ProblemList ?? [];
}

/// <summary>
/// Gold audits, ledger first (ADR 0039): the workflow's own <see cref="GoldAuditRules"/> check the labels and the reviewer
/// against the open request as the ledger holds it (nothing is recorded when they refuse); then GoldAuditSubmitted is
/// appended as the verified reviewer and its reference submitted to the run's workflow as the update
/// <see cref="ModelLifecycleWorkflow.SubmitGoldAuditAsync"/>, whose answer is the reviewer's.
/// </summary>
/// <remarks>A submission waits for the workflow's judgement as long as an approval does (<see cref="ApprovalOptions.JudgementWait"/>), then answers 202.</remarks>
public sealed class GoldAuditService(AuditReadModels readModels, IAuditLedger ledger, ITemporalClient temporal, IOptions<ApprovalOptions> options)
{
    /// <summary>The run's latest gold-audit request, or null when it has none.</summary>
    public async Task<GoldAuditView?> ViewAsync(string runId, CancellationToken cancellationToken)
    {
        if (!RunWorkflows.IsRunId(runId) || await readModels.RunAsync(AuditStreams.Run(runId), cancellationToken) is not { } run
            || await LatestRequestAsync(runId, cancellationToken) is not { } request)
        {
            return null;
        }

        return new GoldAuditView(runId, IsOpen(run), request.LabelSetDigest, request.Deadline, request.Classes,
            [.. request.Items.Select(i => new GoldAuditItemView(i.ItemId, i.ImageDigest, $"/api/artifacts/{i.ImageDigest}"))]);
    }

    /// <summary>Checks, records and submits one reviewer's labels.</summary>
    public async Task<GoldAuditResult> SubmitAsync(string runId, string reviewer, IReadOnlyList<string> roles, SubmitGoldAuditRequest submission, string? idempotencyKey,
        string causation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (!RunWorkflows.IsRunId(runId) || await readModels.RunAsync(AuditStreams.Run(runId), cancellationToken) is not { } run)
        {
            return new(GoldAuditStatus.NotFound, $"No run '{runId}'.");
        }

        if (!IsOpen(run) || await LatestRequestAsync(runId, cancellationToken) is not { } requested)
        {
            return new(GoldAuditStatus.Conflict, $"The run is not waiting for a gold audit (status {run.Status.ToString().ToLowerInvariant()}, stage {run.Stage}).");
        }

        var labels = (submission.Labels ?? []).Select(l => new GoldAuditLabel(l?.ItemId!, l?.Label!)).ToList();
        var request = new GoldAuditRequest(requested.LabelSetDigest, [.. requested.Items.Select(i => i.ItemId)], requested.Classes, requested.Annotators, requested.Deadline);
        var problems = GoldAuditRules.Problems(labels, request.Items, request.Classes);
        if (problems.Count > 0)
        {
            return new(GoldAuditStatus.Invalid, "The labels do not fit the audit sample.", ProblemList: problems);
        }

        var parties = new GoldAuditParties(run.RequestedBy ?? "", [.. run.Contributors.Select(c => new RunContributor(c.Identity, c.Contribution))], requested.Annotators);
        var check = GoldAuditRules.Check(reviewer, submission.LabelSetDigest, labels, request, parties);
        if (!check.Accepted)
        {
            return check.Refusal == GoldAuditRefusal.SeparationOfDuties
                ? new(GoldAuditStatus.Forbidden, "Separation of duties: " + check.Explanation + ".")
                : new(GoldAuditStatus.Conflict, check.Explanation + ".");
        }

        var key = $"gold-audit-submitted/{Idempotency.DeriveId("gold-audit", reviewer, idempotencyKey ?? Idempotency.NewId())}";
        var fact = new GoldAuditSubmitted(reviewer, roles, submission.LabelSetDigest, [.. labels.Select(l => new GoldAuditItemLabel(l.ItemId, l.Label))]);
        var context = new AuditContext(Actor.User(reviewer, roles), new Correlation(ModelLifecycleWorkflow.WorkflowId(runId), runId),
            idempotencyKey is null ? causation : $"idempotency-key:{idempotencyKey}", []);
        LedgerEntry entry;
        try
        {
            entry = await ledger.AppendAsync(AuditStreams.Run(runId), fact, context, key, cancellationToken);
        }
        catch (IdempotencyConflictException)
        {
            return new(GoldAuditStatus.Conflict, $"The {Idempotency.Header} was already used for a different submission.");
        }

        return await JudgeAsync(runId, entry, key, cancellationToken);
    }

    private static bool IsOpen(Orchestrator.Audit.Replay.RunSummary run) => run.Status == LedgerRunStatus.Running && run.Stage == "awaiting-gold-audit";

    private async Task<GoldAuditRequested?> LatestRequestAsync(string runId, CancellationToken cancellationToken)
    {
        GoldAuditRequested? latest = null;
        const int page = 200;
        for (long from = 1; ; from += page)
        {
            var entries = await ledger.ReadStreamAsync(AuditStreams.Run(runId), from, page, cancellationToken);
            latest = entries.Select(e => e.Data).OfType<GoldAuditRequested>().LastOrDefault() ?? latest;
            if (entries.Count < page)
            {
                return latest;
            }
        }
    }

    private async Task<GoldAuditResult> JudgeAsync(string runId, LedgerEntry entry, string updateId, CancellationToken cancellationToken)
    {
        var at = $"{entry.StreamId}@{entry.Version}";
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(options.Value.JudgementWait);
        try
        {
            var judgement = await temporal.GetWorkflowHandle<ModelLifecycleWorkflow>(ModelLifecycleWorkflow.WorkflowId(runId))
                .ExecuteUpdateAsync(wf => wf.SubmitGoldAuditAsync(new LedgerEntryRef(entry.StreamId, entry.Version, entry.Hash)),
                    new WorkflowUpdateOptions(updateId) { Rpc = new RpcOptions { CancellationToken = wait.Token } });
            return judgement.Outcome == GoldAuditJudgements.Accepted
                ? new(GoldAuditStatus.Judged, judgement.Explanation, entry, judgement)
                : new(GoldAuditStatus.Conflict, $"The audit is recorded at {at} but was not taken ({judgement.Outcome}): {judgement.Explanation}.", entry, judgement);
        }
        catch (WorkflowUpdateFailedException e)
        {
            return new(GoldAuditStatus.Conflict, $"The audit is recorded at {at} but the run does not take it: {e.InnerException?.Message ?? e.Message}.", entry);
        }
        catch (WorkflowUpdateRpcTimeoutOrCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new(GoldAuditStatus.Recorded, $"The audit is recorded at {at}; the workflow has not judged it yet (see the run).", entry);
        }
        catch (RpcException e) when (e.Code == RpcException.StatusCode.NotFound)
        {
            return new(GoldAuditStatus.Conflict, $"The audit is recorded at {at} but the run's workflow is not running.", entry);
        }
        catch (RpcException e)
        {
            return new(GoldAuditStatus.Unavailable, $"The audit is recorded at {at} but the workflow could not be reached ({e.Message}); "
                + $"repeat the request with the same {Idempotency.Header} to submit it again.", entry);
        }
    }
}
