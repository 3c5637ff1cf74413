using FluentValidation;
using Orchestrator.Api.Http;
using Orchestrator.Contracts;
using Orchestrator.Workflows.Approve;

namespace Orchestrator.Api.Approvals;

/// <summary>POST /api/runs/{id}/canary-decision: a person's decision on a canary held for too little traffic.</summary>
/// <param name="Decision">"promote" or "rollback".</param>
/// <param name="Reason">Why (required; kept in the audit trail and in the deployment outcome).</param>
/// <param name="EvidenceDigest">The held canary's evidence digest as the approver saw it (the run's <c>canaryHold.evidenceDigest</c>).</param>
public sealed record SubmitCanaryDecisionRequest(string Decision, string Reason, string EvidenceDigest);

public sealed class SubmitCanaryDecisionRequestValidator : AbstractValidator<SubmitCanaryDecisionRequest>
{
    public SubmitCanaryDecisionRequestValidator()
    {
        RuleFor(r => r.Decision).NotEmpty().Must(d => d is "promote" or "rollback").WithMessage("Decision must be \"promote\" or \"rollback\".");
        RuleFor(r => r.Reason).NotEmpty().Must(RequestRules.IsReason).WithMessage("Reason must be 1-2000 characters without control characters.");
        RuleFor(r => r.EvidenceDigest).NotEmpty().Must(Digest.IsValid).WithMessage(RequestRules.DigestMessage);
    }
}

/// <summary>The answer to a canary decision: the ledger entry that records it and the workflow's judgement (null in a 202).</summary>
public sealed record CanaryDecisionRecorded(string RunId, string StreamId, long Version, string Hash, string Decision, ApprovalJudgement? Judgement);
