using Orchestrator.Audit.Replay;
using Orchestrator.Operations.Policies;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Policies;
using LedgerDecision = Orchestrator.Audit.Events.ApprovalDecision;

namespace Orchestrator.Api.Approvals;

/// <summary>
/// The API's checks before it records a signature: the workflow's own <see cref="ApprovalRules"/>, applied to the run
/// as the ledger folds it (requester and contributors, the open request's evidence and deadline, the signatures not
/// refused so far) and to the run's pinned policy, so the API never admits or refuses what the workflow would judge
/// otherwise (the same case-insensitive identities included). Pure: the caller passes the time.
/// </summary>
public static class ApprovalPrecheck
{
    /// <summary>The policy version a run summary names ("default/v1"), as a reference into the catalog.</summary>
    public static PolicyRef? Policy(RunSummary run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Policy(run.PolicyVersion);
    }

    /// <summary>A policy version as the ledger records it ("default/v1"), as a reference into the catalog; null when it is not one.</summary>
    public static PolicyRef? Policy(string? text)
    {
        var cut = text?.LastIndexOf("/v", StringComparison.Ordinal) ?? -1;
        return cut > 0 && int.TryParse(text![(cut + 2)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? new PolicyRef(text[..cut], version)
            : null;
    }

    /// <summary>Whether <paramref name="approver"/>'s decision would count now, by the rules the workflow applies.</summary>
    /// <param name="run">The run as the ledger folds it; it must be awaiting approval.</param>
    /// <param name="policy">The run's pinned approval policy.</param>
    /// <param name="approver">The verified identity signing.</param>
    /// <param name="roles">Their verified roles.</param>
    /// <param name="decision">What they decide.</param>
    /// <param name="reason">Why.</param>
    /// <param name="evidenceDigest">The evidence digest they signed.</param>
    /// <param name="now">The API's clock.</param>
    public static ApprovalCheck Check(
        RunSummary run, ApprovalPolicy policy, string approver, IReadOnlyList<string> roles, ApprovalDecision decision, string reason, string evidenceDigest, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(run);
        var requester = run.RequestedBy ?? "";
        var request = new ApprovalRequest(requester, [requester], run.ApprovalEvidenceDigest ?? "", run.ApprovalDeadline ?? DateTimeOffset.MaxValue,
            run.Contributors.Select(c => new RunContributor(c.Identity, c.Contribution)).ToList());
        var candidate = new SignedApproval(new LedgerEntryRef(run.Id, 0, ""), approver, roles, decision, reason, evidenceDigest, now);
        return ApprovalRules.Check(candidate, request, policy, Counted(run), now);
    }

    /// <summary>The signatures on the open request that the workflow has not refused (counted, or not judged yet).</summary>
    public static IReadOnlyList<SignedApproval> Counted(RunSummary run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var refused = run.RefusedSignatures.ToHashSet();
        return run.Approvals
            .Where(a => a.EvidenceDigest == run.ApprovalEvidenceDigest && !refused.Contains(a.Entry))
            .Select(a => new SignedApproval(new LedgerEntryRef(a.Entry.StreamId, a.Entry.Version, a.Entry.Hash), a.Approver, a.Roles,
                a.Decision == LedgerDecision.Approve ? ApprovalDecision.Approve : ApprovalDecision.Reject, a.Reason, a.EvidenceDigest, a.SignedAt))
            .ToList();
    }

    /// <summary>The approval terms of <paramref name="run"/>'s pinned policy, or null when this API does not hold it.</summary>
    public static ApprovalPolicy? Terms(RunSummary run, PolicyCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Policy(run) is { } reference && catalog.Find(reference) is { } document ? PolicyCatalog.Terms(document).Approval : null;
    }
}
