using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Deploy;
using Orchestrator.Workflows.Ledger;
using Orchestrator.Workflows.Policies;
using Temporalio.Exceptions;
using Temporalio.Workflows;
using Kind = Orchestrator.Workflows.Ledger.IRunLedgerActivities.ApprovalOutcomeKind;

namespace Orchestrator.Workflows.Lifecycle;

/// <summary>
/// The approval stage. The API appends ApprovalSigned to the ledger and signals a reference to it; the
/// workflow confirms the entry through an activity (never trusting the signal's content), applies the
/// pure approval rules, and records every judgement. Duplicate signals are harmless.
/// </summary>
public sealed partial class ModelLifecycleWorkflow
{
    private readonly Queue<LedgerEntryRef> _inbox = new();
    private readonly HashSet<LedgerEntryRef> _seen = [];
    private readonly List<string> _refusals = [];
    private PendingApproval? _pendingApproval;
    private string _approvalFailure = "";

    /// <summary>An approver's signed decision was appended to the ledger at <paramref name="entry"/>.</summary>
    [WorkflowSignal]
    public Task SubmitApprovalAsync(LedgerEntryRef entry)
    {
        if (_seen.Add(entry))
        {
            _inbox.Enqueue(entry);
        }

        return Task.CompletedTask;
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
        var request = new ApprovalRequest(input.Requester, [input.Requester], record.EvidenceDigest, deadline);
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
                await Refuse(input, entry, $"ledger entry {entry.StreamId}@{entry.Version} could not be confirmed: {e.InnerException?.Message ?? e.Message}", request, policy, accepted);
                continue;
            }

            var check = ApprovalRules.Check(signed, request, policy.Terms.Approval, accepted, Workflow.UtcNow);
            if (!check.Accepted)
            {
                await Refuse(input, entry, check.Explanation, request, policy, accepted);
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
                    return await CloseAsync(opened, Kind.Accepted, $"approved by {string.Join(", ", status.Approvers)}", accepted, accepted.Select(a => a.Entry).ToList());
                case ApprovalState.Rejected:
                    var rejection = accepted.First(a => a.Decision == ApprovalDecision.Reject);
                    return await CloseAsync(opened, Kind.Rejected, $"rejected by {rejection.Approver}: {rejection.Reason}", accepted, null);
            }
        }
    }

    private async Task Refuse(Input input, LedgerEntryRef entry, string reason, ApprovalRequest request, PinnedPolicy policy, List<SignedApproval> accepted)
    {
        _refusals.Add(reason);
        var refused = new IRunLedgerActivities.ApprovalOutcomeInput(input.RunId, Kind.Refused, reason, [entry], [], request.Deadline);
        await Bookkeep((IRunLedgerActivities a) => a.RecordApprovalOutcomeAsync(refused));
        Publish(request, policy.Terms.Approval, accepted);
    }

    private async Task<IReadOnlyList<LedgerEntryRef>?> CloseAsync(
        StageRecord opened, Kind kind, string reason, List<SignedApproval> accepted, IReadOnlyList<LedgerEntryRef>? approving)
    {
        var outcome = new IRunLedgerActivities.ApprovalOutcomeInput(
            _input!.RunId, kind, reason, accepted.Select(a => a.Entry).ToList(), accepted.Select(a => a.Approver).Distinct().ToList(), _pendingApproval!.Deadline);
        await Bookkeep((IRunLedgerActivities a) => a.RecordApprovalOutcomeAsync(outcome));
        _stages[_stages.IndexOf(opened)] = opened with { Ended = Workflow.UtcNow, Outcome = kind.ToString().ToLowerInvariant() };
        _pendingApproval = null;
        _approvalFailure = approving is null ? "approval " + kind.ToString().ToLowerInvariant() + ": " + reason : "";
        return approving;
    }

    private void Publish(ApprovalRequest request, ApprovalPolicy policy, List<SignedApproval> accepted)
    {
        var status = ApprovalRules.Tally(accepted, request, policy, Workflow.UtcNow);
        _pendingApproval = new PendingApproval(request.EvidenceDigest, request.Deadline, status.Approvers, status.ApprovalsStillNeeded, status.RolesStillNeeded, _refusals.ToList());
    }
}
