namespace Orchestrator.Workflows.Approve;

/// <summary>
/// The governance rules for human approval, as pure functions: the workflow calls them with
/// <c>Workflow.UtcNow</c>, the tests with fixed instants. See ARCHITECTURE.md, "Governance".
/// </summary>
public static class ApprovalRules
{
    /// <summary>Decides whether one signed approval counts, given those already accepted.</summary>
    public static ApprovalCheck Check(
        SignedApproval approval, ApprovalRequest request, ApprovalPolicy policy, IReadOnlyCollection<SignedApproval> accepted, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(approval);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(accepted);

        if (accepted.Any(a => a.Entry == approval.Entry))
        {
            return Refuse(ApprovalRefusal.Duplicate, $"ledger entry {approval.Entry.StreamId}@{approval.Entry.Version} was already counted");
        }

        if (now > request.Deadline || approval.SignedAt > request.Deadline)
        {
            return Refuse(ApprovalRefusal.DeadlinePassed, $"the approval deadline {request.Deadline:O} has passed");
        }

        if (Same(approval.Approver, request.Requester))
        {
            return Refuse(ApprovalRefusal.SeparationOfDuties, $"{approval.Approver} requested this run and cannot approve it");
        }

        if (request.Trainers.Any(t => Same(t, approval.Approver)))
        {
            return Refuse(ApprovalRefusal.SeparationOfDuties, $"{approval.Approver} trained this model and cannot approve it");
        }

        if (request.Contributors?.FirstOrDefault(c => Same(c.Identity, approval.Approver)) is { } contributor)
        {
            return Refuse(ApprovalRefusal.SeparationOfDuties, $"{approval.Approver} {Contributions.Describe(contributor.Contribution)} and cannot approve it");
        }

        if (!approval.Roles.Any(r => policy.EligibleRoles.Contains(r, StringComparer.Ordinal)))
        {
            return Refuse(ApprovalRefusal.NotEligible,
                $"{approval.Approver} holds none of the roles allowed to approve ({string.Join(", ", policy.EligibleRoles)})");
        }

        if (!string.Equals(approval.EvidenceDigest, request.EvidenceDigest, StringComparison.Ordinal))
        {
            return Refuse(ApprovalRefusal.StaleEvidence,
                $"the approval was signed for evidence {approval.EvidenceDigest}, but the evidence under review is {request.EvidenceDigest}");
        }

        if (approval.Decision == ApprovalDecision.Approve && accepted.Any(a => Same(a.Approver, approval.Approver) && a.Decision == ApprovalDecision.Approve))
        {
            return Refuse(ApprovalRefusal.Duplicate, $"{approval.Approver} has already approved; quorum needs distinct approvers");
        }

        return new ApprovalCheck(ApprovalRefusal.None, $"{approval.Approver} {(approval.Decision == ApprovalDecision.Approve ? "approved" : "rejected")}: {approval.Reason}");
    }

    /// <summary>Tallies the accepted approvals: any accepted rejection rejects; expiry only while the quorum is unmet.</summary>
    public static ApprovalStatus Tally(IReadOnlyCollection<SignedApproval> accepted, ApprovalRequest request, ApprovalPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(policy);

        var approvals = accepted.Where(a => a.Decision == ApprovalDecision.Approve).ToList();
        var approvers = approvals.Select(a => a.Approver).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var rolesHeld = approvals.SelectMany(a => a.Roles).ToHashSet(StringComparer.Ordinal);
        var rolesMissing = policy.RequiredRoles.Where(r => !rolesHeld.Contains(r)).Order(StringComparer.Ordinal).ToList();
        var stillNeeded = Math.Max(0, policy.Quorum - approvers.Count);

        var state = accepted.Any(a => a.Decision == ApprovalDecision.Reject) ? ApprovalState.Rejected
            : stillNeeded == 0 && rolesMissing.Count == 0 ? ApprovalState.Approved
            : now > request.Deadline ? ApprovalState.Expired
            : ApprovalState.Pending;
        return new ApprovalStatus(state, approvers, stillNeeded, rolesMissing);
    }

    /// <summary>The rule's name as the ledger records it: "separation-of-duties", "stale-evidence", ...</summary>
    public static string RuleName(ApprovalRefusal refusal) => refusal switch
    {
        ApprovalRefusal.None => "none",
        ApprovalRefusal.SeparationOfDuties => "separation-of-duties",
        ApprovalRefusal.NotEligible => "not-eligible",
        ApprovalRefusal.StaleEvidence => "stale-evidence",
        ApprovalRefusal.DeadlinePassed => "deadline-passed",
        ApprovalRefusal.Duplicate => "duplicate",
        ApprovalRefusal.LedgerMismatch => "ledger-mismatch",
        _ => refusal.ToString().ToLowerInvariant(),
    };

    private static ApprovalCheck Refuse(ApprovalRefusal refusal, string explanation) => new(refusal, explanation);

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
