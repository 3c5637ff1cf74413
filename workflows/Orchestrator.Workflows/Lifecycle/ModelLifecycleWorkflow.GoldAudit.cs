using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.QualityControl;
using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace Orchestrator.Workflows.Lifecycle;

/// <summary>
/// The human gold audit (ADR 0039), built like the approval stage: the API appends GoldAuditSubmitted to the ledger as
/// the verified reviewer, then submits a reference to it as the update <see cref="SubmitGoldAuditAsync"/>. The workflow
/// reads the entry back through an activity, applies the pure <see cref="GoldAuditRules"/>, records a refusal as
/// GoldAuditRefused (the request stays open) and takes the first valid audit for QC. The wait is a durable timer: when
/// the policy's deadline passes, QC runs without a human audit and its audit checks are not measured.
/// </summary>
public sealed partial class ModelLifecycleWorkflow
{
    /// <summary>How long a run waits for a human audit when a policy requiring one names no deadline (the validator requires one).</summary>
    public static readonly TimeSpan DefaultGoldAuditDeadline = TimeSpan.FromDays(3);

    private readonly Queue<LedgerEntryRef> _auditInbox = new();
    private readonly HashSet<LedgerEntryRef> _auditSeen = [];
    private readonly Dictionary<LedgerEntryRef, GoldAuditJudgement> _auditJudgements = [];
    private readonly List<string> _auditRefusals = [];
    private PendingGoldAudit? _pendingGoldAudit;

    /// <summary>Refuses, before anything is written to history, an audit the run cannot take now.</summary>
    [WorkflowUpdateValidator(nameof(SubmitGoldAuditAsync))]
    public void ValidateGoldAudit(LedgerEntryRef entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (_auditJudgements.ContainsKey(entry))
        {
            return;
        }

        if (_pendingGoldAudit is null)
        {
            throw new ApplicationFailureException($"run {_input?.RunId} is not waiting for a gold audit (stage {_stage})", errorType: GoldAuditJudgements.NotAwaitingGoldAudit);
        }

        if (_input is { } input && entry.StreamId != $"run-{input.RunId}")
        {
            throw new ApplicationFailureException($"ledger entry {entry.StreamId}@{entry.Version} is not in run {input.RunId}'s stream", errorType: GoldAuditJudgements.WrongRun);
        }
    }

    /// <summary>A reviewer's audit was appended to the ledger at <paramref name="entry"/>: answers with the workflow's judgement of it.</summary>
    [WorkflowUpdate(GoldAuditJudgements.UpdateName)]
    public async Task<GoldAuditJudgement> SubmitGoldAuditAsync(LedgerEntryRef entry)
    {
        if (_auditJudgements.TryGetValue(entry, out var judged))
        {
            return judged;
        }

        if (_auditSeen.Add(entry))
        {
            _auditInbox.Enqueue(entry);
        }

        await Workflow.WaitConditionAsync(() => _auditJudgements.ContainsKey(entry) || _pendingGoldAudit is null);
        return _auditJudgements.TryGetValue(entry, out judged)
            ? judged
            : new GoldAuditJudgement(GoldAuditJudgements.Closed, "the gold-audit request closed before this audit was judged");
    }

    /// <returns>The accepted submission, or null when none was accepted by the deadline.</returns>
    private async Task<GoldAuditSubmission?> AwaitGoldAuditAsync(Input input, DatasetVersion dataset, LabelSet labels, TimeSpan wait)
    {
        _stage = Stages.GoldAudit;
        var opened = new StageRecord(Stages.GoldAudit, Workflow.UtcNow, null, null);
        _stages.Add(opened);
        var deadline = Workflow.UtcNow + wait;
        var request = await Bookkeep((IGoldAuditActivities a) => a.RequestAsync(new IGoldAuditActivities.RequestInput(input.RunId, dataset, labels, deadline)));
        var parties = new GoldAuditParties(input.Requester, input.Contributors, request.Annotators);
        _auditRefusals.Clear();
        _pendingGoldAudit = new PendingGoldAudit(request.LabelSetDigest, request.Items.Count, deadline, []);

        while (true)
        {
            var remaining = deadline - Workflow.UtcNow;
            if (_auditInbox.Count == 0 && (remaining <= TimeSpan.Zero || !await Workflow.WaitConditionAsync(() => _auditInbox.Count > 0, remaining)))
            {
                return Close(opened, "expired", null);
            }

            var entry = _auditInbox.Dequeue();
            GoldAuditCheck check;
            GoldAuditSubmission? submission = null;
            try
            {
                submission = await Bookkeep((IGoldAuditActivities a) => a.ConfirmAsync(new IGoldAuditActivities.ConfirmInput(input.RunId, entry)));
                check = GoldAuditRules.Check(submission.Reviewer, submission.LabelSetDigest, submission.Labels, request, parties);
            }
            catch (ActivityFailureException e)
            {
                check = new GoldAuditCheck(GoldAuditRefusal.LedgerMismatch,
                    $"ledger entry {entry.StreamId}@{entry.Version} could not be confirmed: {e.InnerException?.Message ?? e.Message}");
            }

            if (check.Accepted)
            {
                _auditJudgements[entry] = new GoldAuditJudgement(GoldAuditJudgements.Accepted, check.Explanation);
                return Close(opened, "completed", submission);
            }

            var refused = new IGoldAuditActivities.RefusedInput(input.RunId, entry, submission?.Reviewer, GoldAuditRules.RuleName(check.Refusal), check.Explanation);
            await Bookkeep((IGoldAuditActivities a) => a.RecordRefusedAsync(refused));
            _auditRefusals.Add(check.Explanation);
            _pendingGoldAudit = _pendingGoldAudit with { Refusals = _auditRefusals.ToList() };
            _auditJudgements[entry] = new GoldAuditJudgement(GoldAuditJudgements.Refused, check.Explanation);
        }
    }

    private GoldAuditSubmission? Close(StageRecord opened, string outcome, GoldAuditSubmission? accepted)
    {
        _stages[_stages.IndexOf(opened)] = opened with { Ended = Workflow.UtcNow, Outcome = outcome };
        _pendingGoldAudit = null;
        return accepted;
    }
}
