using Orchestrator.Workflows.Approve;

namespace Orchestrator.Workflows.Deploy;

/// <summary>What a person decided about a canary held for too little traffic.</summary>
public enum CanaryDecisionKind
{
    /// <summary>Make the canary production on the evidence there is.</summary>
    Promote,

    /// <summary>Drop the canary; production stays as it was.</summary>
    Rollback,
}

/// <summary>A canary decision as recorded in the ledger (CanaryDecisionSigned, appended by the API as the approver): the update carries only <see cref="Entry"/>.</summary>
/// <param name="Entry">The ledger entry the API wrote.</param>
/// <param name="Approver">The verified identity that signed.</param>
/// <param name="Roles">Their verified roles at signing time.</param>
/// <param name="Decision">Promote or roll back.</param>
/// <param name="Reason">Why (required).</param>
/// <param name="EvidenceDigest">Digest of the held canary's evidence the approver saw.</param>
/// <param name="SignedAt">When the API recorded the signature.</param>
public sealed record SignedCanaryDecision(
    LedgerEntryRef Entry, string Approver, IReadOnlyList<string> Roles, CanaryDecisionKind Decision, string Reason, string EvidenceDigest, DateTimeOffset SignedAt);

/// <summary>A held canary waiting for a person's decision (the run's status query and the API show it).</summary>
/// <param name="EvidenceDigest">What the approver signs: the digest of the hold's evidence.</param>
/// <param name="Deadline">When the canary is rolled back if nobody decided.</param>
/// <param name="CanaryRequests">Canary predictions seen when it was held.</param>
/// <param name="ProductionRequests">Production predictions in the same window (0 on a first deployment).</param>
/// <param name="Reason">Why it was held.</param>
/// <param name="Refusals">Decisions that did not count, with the reason.</param>
public sealed record PendingCanaryDecision(
    string EvidenceDigest, DateTimeOffset Deadline, int CanaryRequests, int ProductionRequests, string Reason, IReadOnlyList<string> Refusals);

/// <summary>
/// Who may decide a held canary: the approval rules' separation of duties, eligibility, deadline and evidence checks
/// (<see cref="ApprovalRules.Check"/>), applied to one signature. One eligible signature decides: the version was already
/// approved by the policy's quorum; the person decides only whether the traffic seen is enough to serve it (ADR 0040).
/// </summary>
public static class CanaryDecisionRules
{
    /// <summary>Whether <paramref name="decision"/> decides the hold described by <paramref name="request"/> under <paramref name="policy"/>.</summary>
    public static ApprovalCheck Check(SignedCanaryDecision decision, ApprovalRequest request, ApprovalPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (string.IsNullOrWhiteSpace(decision.Reason))
        {
            return new ApprovalCheck(ApprovalRefusal.NotEligible, $"{decision.Approver} gave no reason; a canary decision needs one");
        }

        // The approval rules judge a signature as approve/reject; either decision of a hold is judged by the same identity rules.
        var signed = new SignedApproval(decision.Entry, decision.Approver, decision.Roles,
            decision.Decision == CanaryDecisionKind.Promote ? ApprovalDecision.Approve : ApprovalDecision.Reject, decision.Reason, decision.EvidenceDigest, decision.SignedAt);
        var check = ApprovalRules.Check(signed, request, policy, [], now);
        return check.Accepted ? new ApprovalCheck(ApprovalRefusal.None, $"{decision.Approver} decided to {Name(decision.Decision)} the canary: {decision.Reason}") : check;
    }

    /// <summary>The decision's name on the wire and in the ledger: "promote" or "rollback".</summary>
    public static string Name(CanaryDecisionKind decision) => decision == CanaryDecisionKind.Promote ? "promote" : "rollback";

    /// <summary>Parses <see cref="Name"/>; null for anything else.</summary>
    public static CanaryDecisionKind? Parse(string? text) => text switch
    {
        "promote" => CanaryDecisionKind.Promote,
        "rollback" => CanaryDecisionKind.Rollback,
        _ => null,
    };
}

/// <summary>The canary decision update's name and the error types its validator refuses with (the API maps them to 409).</summary>
public static class CanaryDecisionErrors
{
    /// <summary>The update's name, recorded in histories: never change it.</summary>
    public const string UpdateName = "JudgeCanaryDecision";

    /// <summary>The run has no canary held for a decision (not yet, or no longer).</summary>
    public const string NotHeld = "CanaryNotHeld";

    /// <summary>The judgement of a signature that decided the hold (the others are <see cref="ApprovalJudgements"/>' refused and closed).</summary>
    public const string Decided = "decided";
}
