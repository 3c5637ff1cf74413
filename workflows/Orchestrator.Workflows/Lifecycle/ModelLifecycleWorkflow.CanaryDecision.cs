using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Deploy;
using Orchestrator.Workflows.Ledger;
using Orchestrator.Workflows.Policies;
using Temporalio.Exceptions;
using Temporalio.Workflows;
using Kind = Orchestrator.Workflows.Ledger.IRunLedgerActivities.ApprovalOutcomeKind;

namespace Orchestrator.Workflows.Lifecycle;

/// <summary>
/// A canary held for too little traffic (policy "onInsufficientEvidence": "hold") waits for a person (ADR 0040): the API
/// appends CanaryDecisionSigned as the approver, then submits its reference as the update <see cref="JudgeCanaryDecisionAsync"/>.
/// The workflow confirms the entry, applies <see cref="CanaryDecisionRules"/> (the approval rules' separation of duties and
/// eligibility), records a refused signature as ApprovalRefused and keeps waiting; the first signature that counts promotes or
/// rolls back the canary through the model's decider. When the approval policy's deadline passes first, the canary is rolled back.
/// </summary>
public sealed partial class ModelLifecycleWorkflow
{
    private readonly Queue<LedgerEntryRef> _canaryInbox = new();
    private readonly HashSet<LedgerEntryRef> _canarySeen = [];
    private readonly Dictionary<LedgerEntryRef, ApprovalJudgement> _canaryJudgements = [];
    private readonly List<string> _canaryRefusals = [];
    private PendingCanaryDecision? _pendingCanaryDecision;

    /// <summary>Refuses, before anything is written to history, a decision the run cannot take now.</summary>
    [WorkflowUpdateValidator(nameof(JudgeCanaryDecisionAsync))]
    public void ValidateCanaryDecision(LedgerEntryRef entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (_canaryJudgements.ContainsKey(entry))
        {
            return;
        }

        if (_pendingCanaryDecision is null)
        {
            throw new ApplicationFailureException($"run {_input?.RunId} has no canary held for a decision (stage {_stage})", errorType: CanaryDecisionErrors.NotHeld);
        }

        if (_input is { } input && entry.StreamId != $"run-{input.RunId}")
        {
            throw new ApplicationFailureException($"ledger entry {entry.StreamId}@{entry.Version} is not in run {input.RunId}'s stream", errorType: ApprovalErrors.WrongRun);
        }
    }

    /// <summary>A signed canary decision was appended to the ledger at <paramref name="entry"/>: answers with its judgement (decided, refused or closed).</summary>
    [WorkflowUpdate(CanaryDecisionErrors.UpdateName)]
    public async Task<ApprovalJudgement> JudgeCanaryDecisionAsync(LedgerEntryRef entry)
    {
        if (_canaryJudgements.TryGetValue(entry, out var judged))
        {
            return judged;
        }

        if (_canarySeen.Add(entry))
        {
            _canaryInbox.Enqueue(entry);
        }

        await Workflow.WaitConditionAsync(() => _canaryJudgements.ContainsKey(entry) || _pendingCanaryDecision is null);
        return _canaryJudgements.TryGetValue(entry, out judged)
            ? judged
            : new ApprovalJudgement(ApprovalJudgements.Closed, "the canary decision closed before this signature was judged", 0, []);
    }

    private async Task<DeploymentOutcome> AwaitCanaryDecisionAsync(Input input, PinnedPolicy policy, ModelVersion version, DeploymentOutcome held)
    {
        _stage = Stages.CanaryDecision;
        var opened = new StageRecord(Stages.CanaryDecision, Workflow.UtcNow, null, null);
        _stages.Add(opened);
        var deadline = Workflow.UtcNow + policy.Terms.Approval.Deadline;
        var requested = new ICanaryDecisionActivities.RequestInput(input.RunId, version, held, deadline);
        var record = await Bookkeep((ICanaryDecisionActivities a) => a.RequestDecisionAsync(requested));
        var request = new ApprovalRequest(input.Requester, [input.Requester], record.EvidenceDigest, deadline, input.Contributors);
        PublishCanary(record.EvidenceDigest, deadline, held);

        while (true)
        {
            var remaining = deadline - Workflow.UtcNow;
            if (_canaryInbox.Count == 0 && (remaining <= TimeSpan.Zero || !await Workflow.WaitConditionAsync(() => _canaryInbox.Count > 0, remaining)))
            {
                var expired = new ICanaryDecisionActivities.ResolveInput(input.RunId, version, CanaryDecisionKind.Rollback,
                    $"no decision on the held canary by the deadline {deadline:O}", null, null, held.CanaryRequests, held.ProductionRequests);
                return await CloseCanaryAsync(opened, expired, null);
            }

            var entry = _canaryInbox.Dequeue();
            SignedCanaryDecision signed;
            try
            {
                var confirm = new ICanaryDecisionActivities.ConfirmInput(input.RunId, entry);
                signed = await Bookkeep((ICanaryDecisionActivities a) => a.ConfirmDecisionAsync(confirm));
            }
            catch (ActivityFailureException e)
            {
                await RefuseCanaryAsync(input, entry, ApprovalRefusal.LedgerMismatch, null,
                    $"ledger entry {entry.StreamId}@{entry.Version} could not be confirmed: {e.InnerException?.Message ?? e.Message}", deadline, held, record.EvidenceDigest);
                continue;
            }

            var check = CanaryDecisionRules.Check(signed, request, policy.Terms.Approval, Workflow.UtcNow);
            if (!check.Accepted)
            {
                await RefuseCanaryAsync(input, entry, check.Refusal, signed.Approver, check.Explanation, deadline, held, record.EvidenceDigest);
                continue;
            }

            var decided = new ICanaryDecisionActivities.ResolveInput(input.RunId, version, signed.Decision, signed.Reason, signed.Approver, entry,
                held.CanaryRequests, held.ProductionRequests);
            return await CloseCanaryAsync(opened, decided, entry);
        }
    }

    private async Task RefuseCanaryAsync(
        Input input, LedgerEntryRef entry, ApprovalRefusal rule, string? approver, string reason, DateTimeOffset deadline, DeploymentOutcome held, string evidenceDigest)
    {
        _canaryRefusals.Add(reason);
        var refused = new IRunLedgerActivities.ApprovalOutcomeInput(input.RunId, Kind.Refused, reason, [entry], [], deadline, ApprovalRules.RuleName(rule), approver);
        await Bookkeep((IRunLedgerActivities a) => a.RecordApprovalOutcomeAsync(refused));
        PublishCanary(evidenceDigest, deadline, held);
        _canaryJudgements[entry] = new ApprovalJudgement(ApprovalJudgements.Refused, reason, 1, []);
    }

    private async Task<DeploymentOutcome> CloseCanaryAsync(StageRecord opened, ICanaryDecisionActivities.ResolveInput resolve, LedgerEntryRef? closing)
    {
        var outcome = await Bookkeep((ICanaryDecisionActivities a) => a.ResolveAsync(resolve));
        _stages[_stages.IndexOf(opened)] = opened with { Ended = Workflow.UtcNow, Outcome = outcome.Promoted ? "promoted" : "rolled-back" };
        if (closing is not null)
        {
            _canaryJudgements[closing] = new ApprovalJudgement(CanaryDecisionErrors.Decided, outcome.Reason, 0, []);
        }

        _pendingCanaryDecision = null;
        _stage = Stages.Deploy;
        return outcome;
    }

    private void PublishCanary(string evidenceDigest, DateTimeOffset deadline, DeploymentOutcome held) =>
        _pendingCanaryDecision = new PendingCanaryDecision(evidenceDigest, deadline, held.CanaryRequests ?? 0, held.ProductionRequests ?? 0, held.Reason, _canaryRefusals.ToList());
}
