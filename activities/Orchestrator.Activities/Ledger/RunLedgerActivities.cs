using System.Text;
using Orchestrator.Activities.Common;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Contracts;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Ledger;
using Temporalio.Activities;
using Temporalio.Exceptions;
using Contract = Orchestrator.Workflows.Ledger.IRunLedgerActivities;
using Kind = Orchestrator.Workflows.Ledger.IRunLedgerActivities.ApprovalOutcomeKind;

namespace Orchestrator.Activities.Ledger;

/// <summary>The run-level facts the lifecycle workflow records, and the confirmation of signed approvals.</summary>
public sealed class RunLedgerActivities(StageAudit audit) : IRunLedgerActivities
{
    public async Task RecordStartedAsync(Contract.StartedInput input)
    {
        var info = ActivityExecutionContext.Current.Info;
        await audit.RecordAsync(input.RunId, new RunStarted(info.WorkflowId ?? "", info.TaskQueue), "run-started",
            [StageAudit.Evidence($"policy:{input.PolicyName}/v{input.PolicyVersion}", input.PolicyDigest, null)]);
    }

    public async Task RecordEndedAsync(Contract.EndedInput input)
    {
        object fact = input.Outcome switch
        {
            RunOutcome.Completed => new RunCompleted(input.ModelName, input.ModelVersion, input.Reason),
            RunOutcome.Cancelled => new RunCancelled(input.Reason),
            _ => new RunFailed(input.Stage, input.Reason),
        };
        await audit.RecordAsync(input.RunId, fact, "run-ended");
    }

    public async Task<Contract.ApprovalRequestRecord> RequestApprovalAsync(Contract.RequestApprovalInput input)
    {
        var digest = EvidenceDigest(input.Evidence);
        var entry = await audit.RecordAsync(input.RunId,
            new ApprovalRequested(input.Version.ModelName, input.Version.Version, digest, input.Policy.RequiredRoles, input.Policy.Quorum, input.Deadline),
            "approval-requested",
            input.Evidence.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => StageAudit.Evidence(e.Key, e.Value, null)).ToList());
        return new Contract.ApprovalRequestRecord(digest, new LedgerEntryRef(entry.StreamId, entry.Version, entry.Hash));
    }

    /// <summary>Reads back the entry a signal pointed at; the signal's content is never trusted on its own.</summary>
    public async Task<SignedApproval> ConfirmApprovalAsync(Contract.ConfirmApprovalInput input)
    {
        var reference = input.Entry;
        if (reference.StreamId != AuditStreams.Run(input.RunId))
        {
            throw Refuse($"entry {reference.StreamId}@{reference.Version} is not in run {input.RunId}'s stream");
        }

        var check = await audit.Ledger.ConfirmAsync(new LedgerReference(reference.StreamId, reference.Version, reference.EventHash), ActivityExecutionContext.Current.CancellationToken);
        if (check is not { IsConfirmed: true, Entry: { } entry })
        {
            throw Refuse($"entry {reference.StreamId}@{reference.Version} with hash {reference.EventHash} is {check.Status.ToString().ToLowerInvariant()}");
        }

        if (entry.Data is NoCanaryComparisonAccepted accepted)
        {
            return await ConfirmAcceptanceAsync(input, reference, entry, accepted).ConfigureAwait(false);
        }

        if (entry.Data is not ApprovalSigned signed)
        {
            throw Refuse($"entry {reference.StreamId}@{reference.Version} is a {entry.EventType}, not an ApprovalSigned");
        }

        if (entry.Context.Actor.Kind != ActorKind.User || entry.Context.Actor.Id != signed.Approver)
        {
            throw Refuse($"entry {reference.StreamId}@{reference.Version} was not written by the approver it names");
        }

        var decision = signed.Decision == Audit.Events.ApprovalDecision.Approve ? Workflows.Approve.ApprovalDecision.Approve : Workflows.Approve.ApprovalDecision.Reject;
        return new SignedApproval(reference, signed.Approver, signed.Roles, decision, signed.Reason, signed.EvidenceDigest, entry.RecordedAt);
    }

    /// <summary>
    /// An approval that accepts deploying without a canary comparison (ADR 0044): the acceptance entry, written by the approver it
    /// names, points at their approving ApprovalSigned entry in the same stream over the same evidence; the approval is that entry,
    /// carrying the acceptance's reference.
    /// </summary>
    private async Task<SignedApproval> ConfirmAcceptanceAsync(Contract.ConfirmApprovalInput input, LedgerEntryRef reference, LedgerEntry entry, NoCanaryComparisonAccepted accepted)
    {
        if (entry.Context.Actor.Kind != ActorKind.User || entry.Context.Actor.Id != accepted.Approver)
        {
            throw Refuse($"entry {reference.StreamId}@{reference.Version} was not written by the approver it names");
        }

        if (accepted.Approval.StreamId != reference.StreamId)
        {
            throw Refuse($"entry {reference.StreamId}@{reference.Version} accepts an approval of another run ({accepted.Approval.StreamId})");
        }

        var approval = await ConfirmApprovalAsync(input with { Entry = new LedgerEntryRef(accepted.Approval.StreamId, accepted.Approval.Version, accepted.Approval.Hash) })
            .ConfigureAwait(false);
        if (approval.NoCanaryComparisonAccepted is not null || !string.Equals(approval.Approver, accepted.Approver, StringComparison.Ordinal)
            || approval.Decision != Workflows.Approve.ApprovalDecision.Approve || approval.EvidenceDigest != accepted.EvidenceDigest)
        {
            throw Refuse($"entry {reference.StreamId}@{reference.Version} does not go with an approval by {accepted.Approver} of evidence {accepted.EvidenceDigest}");
        }

        return approval with { NoCanaryComparisonAccepted = input.Entry };
    }

    public async Task RecordApprovalOutcomeAsync(Contract.ApprovalOutcomeInput input)
    {
        var signatures = input.Signatures.Select(s => new LedgerReference(s.StreamId, s.Version, s.EventHash)).ToList();
        object fact = input.Kind switch
        {
            Kind.Accepted => new ApprovalAccepted(input.Approvers, signatures),
            Kind.Expired => new ApprovalExpired(input.Deadline),
            // One signature that did not count: the request stays open (ApprovalRejected here locked the run out of approvals).
            Kind.Refused => new ApprovalRefused(input.Approver, input.Rule ?? "unspecified", input.Reason, signatures.LastOrDefault()),
            _ => new ApprovalRejected(input.Reason, signatures.LastOrDefault()),
        };
        await audit.RecordAsync(input.RunId, fact, "approval-" + input.Kind.ToString().ToLowerInvariant());
    }

    /// <summary>
    /// The digest approvers sign: SHA-256 over "name=digest\n" lines sorted by name (ordinal), so the API and
    /// any auditor can recompute it from the ApprovalRequested entry's evidence list.
    /// </summary>
    public static string EvidenceDigest(IReadOnlyDictionary<string, string> evidence)
    {
        var text = string.Concat(evidence.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}\n"));
        return Digest.Of(Encoding.UTF8.GetBytes(text)).ToString();
    }

    private static ApplicationFailureException Refuse(string message) => new(message, "IntegrityViolation", nonRetryable: true);
}
