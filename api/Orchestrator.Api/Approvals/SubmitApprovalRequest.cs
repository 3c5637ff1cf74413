using FluentValidation;
using Orchestrator.Contracts;

namespace Orchestrator.Api.Approvals;

/// <summary>POST /api/runs/{id}/approvals: a decision on the evidence the approver reviewed.</summary>
/// <param name="Decision">"approve" or "reject".</param>
/// <param name="Reason">Why (kept in the audit trail).</param>
/// <param name="EvidenceDigest">The evidence digest of the open request, as the approver saw it ("sha256:...").</param>
/// <param name="AcceptNoCanaryComparison">True to accept explicitly, with an approval, deploying a first version (the model has no production
/// version) without a canary comparison: when every approver accepted, a canary window that ends short of the minimum traffic promotes it
/// (ADR 0044). Absent or false: the canary rules apply unchanged.</param>
public sealed record SubmitApprovalRequest(string Decision, string Reason, string EvidenceDigest, bool? AcceptNoCanaryComparison = null);

public sealed class SubmitApprovalRequestValidator : AbstractValidator<SubmitApprovalRequest>
{
    public SubmitApprovalRequestValidator()
    {
        RuleFor(r => r.Decision).NotEmpty().Must(d => d is "approve" or "reject").WithMessage("Decision must be \"approve\" or \"reject\".");
        RuleFor(r => r.Reason).NotEmpty().Must(RequestRules.IsReason).WithMessage("Reason must be 1-2000 characters without control characters.");
        RuleFor(r => r.EvidenceDigest).NotEmpty().Must(Digest.IsValid).WithMessage(RequestRules.DigestMessage);
        RuleFor(r => r.AcceptNoCanaryComparison).Must((r, accept) => accept != true || r.Decision == "approve")
            .WithMessage("acceptNoCanaryComparison goes with an approval (\"decision\": \"approve\"); a rejection deploys nothing.");
    }
}

/// <summary>
/// The answer to a submitted decision: the ledger entry that records the signature and the workflow's judgement
/// (null in a 202: the workflow had not answered in time; the judgement follows in the run's ledger).
/// </summary>
public sealed record ApprovalRecorded(string RunId, string StreamId, long Version, string Hash, string Decision, Orchestrator.Workflows.Approve.ApprovalJudgement? Judgement);

/// <summary>A run waiting for the caller's decision.</summary>
/// <param name="RunId">The run.</param>
/// <param name="ModelName">Its model.</param>
/// <param name="ModelVersion">The version to approve, or the held canary's version.</param>
/// <param name="RequestedBy">Who requested the run.</param>
/// <param name="EvidenceDigest">What a decision signs.</param>
/// <param name="SignaturesSoFar">Signatures recorded on it so far.</param>
/// <param name="Evidence">The run's view.</param>
/// <param name="Kind">What is asked: <see cref="PendingKinds.Approval"/> (POST .../approvals) or <see cref="PendingKinds.CanaryDecision"/> (POST .../canary-decision).</param>
/// <param name="Summary">A readable line for the list (held canaries: "canary held: waiting for a decision" and the counts).</param>
public sealed record PendingApprovalItem(
    string RunId, string? ModelName, int? ModelVersion, string? RequestedBy, string EvidenceDigest, int SignaturesSoFar, string Evidence,
    string Kind = PendingKinds.Approval, string? Summary = null);

/// <summary>The kinds of <see cref="PendingApprovalItem"/>.</summary>
public static class PendingKinds
{
    /// <summary>A model version awaiting approval.</summary>
    public const string Approval = "approval";

    /// <summary>A canary held for too little traffic, awaiting a promote/rollback decision.</summary>
    public const string CanaryDecision = "canary-decision";
}
