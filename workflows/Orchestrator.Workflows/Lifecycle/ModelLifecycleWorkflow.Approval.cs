using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Deploy;
using Orchestrator.Workflows.Ledger;
using Orchestrator.Workflows.Policies;
using Temporalio.Exceptions;
using Temporalio.Workflows;
using Kind = Orchestrator.Workflows.Ledger.IRunLedgerActivities.ApprovalOutcomeKind;

namespace Orchestrator.Workflows.Lifecycle;

/// <summary>
/// The approval stage. The API appends ApprovalSigned to the ledger, then submits a reference to it as the
/// update <see cref="JudgeApprovalAsync"/> (ADR 0022; the signal <see cref="SubmitApprovalAsync"/> stays for
/// histories and callers that used it). The workflow confirms the entry through an activity (never trusting the
/// message's content), applies the pure approval rules, records every judgement (a refused signature as
/// ApprovalRefused, which leaves the request open) and answers the update with it. Duplicates are harmless.
/// </summary>
public sealed partial class ModelLifecycleWorkflow
{
    private readonly Queue<LedgerEntryRef> _inbox = new();
    private readonly HashSet<LedgerEntryRef> _seen = [];
    private readonly List<string> _refusals = [];
    // Read only by the update handler: writing it adds no command, so histories without updates replay unchanged.
    private readonly Dictionary<LedgerEntryRef, ApprovalJudgement> _judgements = [];
    private PendingApproval? _pendingApproval;
    // The signatures that made the quorum (set when the request is accepted): what they accepted besides the version (ADR 0044).
    private IReadOnlyList<SignedApproval> _approving = [];
    private string _approvalFailure = "";

    /// <summary>An approver's signed decision was appended to the ledger at <paramref name="entry"/> (the pre-update path; kept for replay).</summary>
    [WorkflowSignal]
    public Task SubmitApprovalAsync(LedgerEntryRef entry)
    {
        if (_seen.Add(entry))
        {
            _inbox.Enqueue(entry);
        }

        return Task.CompletedTask;
    }

    /// <summary>Refuses, before anything is written to history, an approval the run cannot take now.</summary>
    [WorkflowUpdateValidator(nameof(JudgeApprovalAsync))]
    public void ValidateApproval(LedgerEntryRef entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (_judgements.ContainsKey(entry))
        {
            return; // a repeat of a judged entry is answered with its judgement, even after the stage closed
        }

        if (_pendingApproval is null)
        {
            throw new ApplicationFailureException($"run {_input?.RunId} is not waiting for approval (stage {_stage})", errorType: ApprovalErrors.NotAwaitingApproval);
        }

        // The run's ledger stream is AuditStreams.Run(runId), "run-{runId}" (the workflows project cannot reference the audit library).
        if (_input is { } input && entry.StreamId != $"run-{input.RunId}")
        {
            throw new ApplicationFailureException($"ledger entry {entry.StreamId}@{entry.Version} is not in run {input.RunId}'s stream", errorType: ApprovalErrors.WrongRun);
        }
    }

    /// <summary>
    /// An approver's signed decision was appended to the ledger at <paramref name="entry"/>: judges it like the
    /// signal does and answers with the judgement (counted, refused, approved, rejected, or closed when the stage
    /// ended first). A repeat of the same entry gets the first judgement.
    /// </summary>
    [WorkflowUpdate(ApprovalErrors.UpdateName)]
    public async Task<ApprovalJudgement> JudgeApprovalAsync(LedgerEntryRef entry)
    {
        if (_judgements.TryGetValue(entry, out var judged))
        {
            return judged;
        }

        if (_seen.Add(entry))
        {
            _inbox.Enqueue(entry);
        }

        await Workflow.WaitConditionAsync(() => _judgements.ContainsKey(entry) || _pendingApproval is null);
        return _judgements.TryGetValue(entry, out judged)
            ? judged
            : new ApprovalJudgement(ApprovalJudgements.Closed, $"the approval stage closed before this signature was judged ({_approvalFailure})", 0, []);
    }

    /// <returns>The approving ledger entries, or null when the request was rejected or expired.</returns>
    private async Task<IReadOnlyList<LedgerEntryRef>?> AwaitApprovalAsync(Input input, PinnedPolicy policy, ModelVersion version, IReadOnlyDictionary<string, string> evidence)
    {
        _stage = Stages.Approval;
        var opened = new StageRecord(Stages.Approval, Workflow.UtcNow, null, null);
        _stages.Add(opened);
        var deadline = Workflow.UtcNow + policy.Terms.Approval.Deadline;
        var requested = new IRunLedgerActivities.RequestApprovalInput(input.RunId, version, evidence, deadline, policy.Terms.Approval);
        var record = await Bookkeep((IRunLedgerActivities a) => a.RequestApprovalAsync(requested));
        var request = new ApprovalRequest(input.Requester, [input.Requester], record.EvidenceDigest, deadline, input.Contributors);
        var accepted = new List<SignedApproval>();
        Publish(request, policy.Terms.Approval, accepted);

        while (true)
        {
            var remaining = deadline - Workflow.UtcNow;
            if (_inbox.Count == 0 && (remaining <= TimeSpan.Zero || !await Workflow.WaitConditionAsync(() => _inbox.Count > 0, remaining)))
            {
                return await CloseAsync(opened, Kind.Expired, $"no quorum by the deadline {deadline:O}", accepted, null);
            }

            var entry = _inbox.Dequeue();
            SignedApproval signed;
            try
            {
                var confirm = new IRunLedgerActivities.ConfirmApprovalInput(input.RunId, entry);
                signed = await Bookkeep((IRunLedgerActivities a) => a.ConfirmApprovalAsync(confirm));
            }
            catch (ActivityFailureException e)
            {
                var unconfirmed = $"ledger entry {entry.StreamId}@{entry.Version} could not be confirmed: {e.InnerException?.Message ?? e.Message}";
                await Refuse(input, entry, ApprovalRefusal.LedgerMismatch, null, unconfirmed, request, policy, accepted);
                continue;
            }

            var check = ApprovalRules.Check(signed, request, policy.Terms.Approval, accepted, Workflow.UtcNow);
            if (!check.Accepted)
            {
                await Refuse(input, entry, check.Refusal, signed.Approver, check.Explanation, request, policy, accepted);
                continue;
            }

            // A counted signature needs no entry of its own: its ApprovalSigned entry is in the ledger and
            // the closing ApprovalAccepted lists every signature that made the quorum.
            accepted.Add(signed);
            var status = ApprovalRules.Tally(accepted, request, policy.Terms.Approval, Workflow.UtcNow);
            Publish(request, policy.Terms.Approval, accepted);
            switch (status.State)
            {
                case ApprovalState.Approved:
                    return await CloseAsync(opened, Kind.Accepted, $"approved by {string.Join(", ", status.Approvers)}", accepted, accepted.Select(a => a.Entry).ToList(), entry);
                case ApprovalState.Rejected:
                    var rejection = accepted.First(a => a.Decision == ApprovalDecision.Reject);
                    return await CloseAsync(opened, Kind.Rejected, $"rejected by {rejection.Approver}: {rejection.Reason}", accepted, null, entry);
                default:
                    _judgements[entry] = new ApprovalJudgement(ApprovalJudgements.Counted, check.Explanation, status.ApprovalsStillNeeded, status.RolesStillNeeded);
                    break;
            }
        }
    }

    private async Task Refuse(
        Input input, LedgerEntryRef entry, ApprovalRefusal rule, string? approver, string reason, ApprovalRequest request, PinnedPolicy policy, List<SignedApproval> accepted)
    {
        _refusals.Add(reason);
        var refused = new IRunLedgerActivities.ApprovalOutcomeInput(input.RunId, Kind.Refused, reason, [entry], [], request.Deadline, ApprovalRules.RuleName(rule), approver);
        await Bookkeep((IRunLedgerActivities a) => a.RecordApprovalOutcomeAsync(refused));
        Publish(request, policy.Terms.Approval, accepted);
        var status = ApprovalRules.Tally(accepted, request, policy.Terms.Approval, Workflow.UtcNow);
        _judgements[entry] = new ApprovalJudgement(ApprovalJudgements.Refused, reason, status.ApprovalsStillNeeded, status.RolesStillNeeded);
    }

    private async Task<IReadOnlyList<LedgerEntryRef>?> CloseAsync(
        StageRecord opened, Kind kind, string reason, List<SignedApproval> accepted, IReadOnlyList<LedgerEntryRef>? approving, LedgerEntryRef? closing = null)
    {
        var outcome = new IRunLedgerActivities.ApprovalOutcomeInput(
            _input!.RunId, kind, reason, accepted.Select(a => a.Entry).ToList(), accepted.Select(a => a.Approver).Distinct().ToList(), _pendingApproval!.Deadline);
        await Bookkeep((IRunLedgerActivities a) => a.RecordApprovalOutcomeAsync(outcome));
        _stages[_stages.IndexOf(opened)] = opened with { Ended = Workflow.UtcNow, Outcome = kind.ToString().ToLowerInvariant() };
        if (closing is not null)
        {
            var judged = kind == Kind.Accepted ? ApprovalJudgements.Approved : ApprovalJudgements.Rejected;
            _judgements[closing] = new ApprovalJudgement(judged, reason, 0, []);
        }

        _pendingApproval = null;
        _approving = approving is null ? [] : accepted.ToList();
        _approvalFailure = approving is null ? "approval " + kind.ToString().ToLowerInvariant() + ": " + reason : "";
        return approving;
    }

    private void Publish(ApprovalRequest request, ApprovalPolicy policy, List<SignedApproval> accepted)
    {
        var status = ApprovalRules.Tally(accepted, request, policy, Workflow.UtcNow);
        _pendingApproval = new PendingApproval(request.EvidenceDigest, request.Deadline, status.Approvers, status.ApprovalsStillNeeded, status.RolesStillNeeded, _refusals.ToList());
    }
}
