using Orchestrator.Activities.Policies;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Replay;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Policies;
using LedgerDecision = Orchestrator.Audit.Events.ApprovalDecision;

namespace Orchestrator.Api.Console.Runs;

/// <summary>
/// Where a viewer stands on a run's open approval request: the request as the ledger holds it, the signatures on its
/// evidence, and whether the approval rules (the pure functions the workflow applies to every signature) would count the
/// viewer's, with their explanation. Shown before signing; the signature itself is still judged by the API and the workflow.
/// </summary>
public sealed class ApprovalStanding(PolicyCatalog catalog, TimeProvider time)
{
    public ApprovalView Of(RunSummary run, ApprovalRequested? request, string viewer, IReadOnlyList<string> viewerRoles)
    {
        ArgumentNullException.ThrowIfNull(run);
        var digest = run.ApprovalEvidenceDigest ?? "";
        var signatures = run.Approvals.Where(a => a.EvidenceDigest == digest).ToList();
        var terms = run.PolicyVersion is { } pinned && PolicyRef(pinned) is { } reference && catalog.Find(reference) is { } document ? PolicyCatalog.Terms(document).Approval : null;
        if (request is null || terms is null || run.RequestedBy is null)
        {
            return new ApprovalView(digest, request?.Quorum ?? 0, request?.RequiredRoles ?? [], [], request?.Deadline ?? default, signatures, false,
                "The request or its pinned policy cannot be read, so eligibility is not shown; the service decides when you sign.");
        }

        var asked = new ApprovalRequest(run.RequestedBy, [run.RequestedBy], digest, request.Deadline);
        var accepted = signatures.Select(a => new SignedApproval(new LedgerEntryRef(a.Entry.StreamId, a.Entry.Version, a.Entry.Hash), a.Approver, a.Roles,
            a.Decision == LedgerDecision.Approve ? ApprovalDecision.Approve : ApprovalDecision.Reject, a.Reason, a.EvidenceDigest, a.SignedAt)).ToList();
        var now = time.GetUtcNow();
        var yours = new SignedApproval(new LedgerEntryRef(run.Id, 0, ""), viewer, viewerRoles, ApprovalDecision.Approve, "", digest, now);
        var check = ApprovalRules.Check(yours, asked, terms, accepted, now);
        var eligibility = check.Accepted
            ? "You may sign: you did not request or train this run, you hold an eligible role, and you have not signed this evidence yet."
            : "You may not sign: " + check.Explanation + ".";
        return new ApprovalView(digest, request.Quorum, request.RequiredRoles, terms.EligibleRoles, request.Deadline, signatures, check.Accepted, eligibility);
    }

    /// <summary>"name/vN" as the ledger records a pinned policy.</summary>
    public static PolicyRef? PolicyRef(string pinned)
    {
        ArgumentNullException.ThrowIfNull(pinned);
        var slash = pinned.LastIndexOf("/v", StringComparison.Ordinal);
        return slash > 0 && int.TryParse(pinned.AsSpan(slash + 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? new PolicyRef(pinned[..slash], v)
            : null;
    }
}
