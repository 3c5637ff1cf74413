using Orchestrator.Api.Approvals;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Replay;
using Orchestrator.Operations.Policies;
using Orchestrator.Workflows.Approve;

namespace Orchestrator.Api.Console.Runs;

/// <summary>
/// Where a viewer stands on a run's open approval request: the request as the ledger holds it, the signatures on its
/// evidence, and whether the viewer's signature would count now, by <see cref="ApprovalPrecheck"/> (the workflow's own
/// <see cref="ApprovalRules"/>, which <see cref="ApprovalService"/> applies before it records anything), with their
/// explanation. Shown before signing; the signature itself is still judged by the service and the workflow.
/// </summary>
public sealed class ApprovalStanding(PolicyCatalog catalog, TimeProvider time)
{
    public ApprovalView Of(RunSummary run, ApprovalRequested? request, string viewer, IReadOnlyList<string> viewerRoles)
    {
        ArgumentNullException.ThrowIfNull(run);
        var digest = run.ApprovalEvidenceDigest ?? "";
        var signatures = run.Approvals.Where(a => a.EvidenceDigest == digest).ToList();
        var terms = ApprovalPrecheck.Terms(run, catalog);
        if (request is null || terms is null || run.RequestedBy is null)
        {
            return new ApprovalView(digest, request?.Quorum ?? 0, request?.RequiredRoles ?? [], [], request?.Deadline ?? default, signatures, false,
                "The request or its pinned policy cannot be read, so eligibility is not shown; the service decides when you sign.");
        }

        var check = ApprovalPrecheck.Check(run, terms, viewer, viewerRoles, ApprovalDecision.Approve, "", digest, time.GetUtcNow());
        var eligibility = check.Accepted
            ? "You may sign: you did not request or contribute to this run, you hold an eligible role, and you have not signed this evidence yet."
            : "You may not sign: " + check.Explanation + ".";
        return new ApprovalView(digest, request.Quorum, request.RequiredRoles, terms.EligibleRoles, request.Deadline, signatures, check.Accepted, eligibility);
    }
}
