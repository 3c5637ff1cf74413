using System.Globalization;
using Orchestrator.Workflows.Approve;

namespace Orchestrator.Workflows.Deploy;

/// <summary>
/// The approvers' explicit acceptance of deploying a first version without a canary comparison (issue 17 item 2, ADR 0044):
/// which approvals accepted it (ledger entries NoCanaryComparisonAccepted, each confirmed against its ApprovalSigned entry).
/// </summary>
/// <param name="AcceptedBy">The approvers who accepted, distinct and ordered.</param>
/// <param name="Entries">Their NoCanaryComparisonAccepted ledger entries.</param>
public sealed record NoCanaryComparisonAcceptance(IReadOnlyList<string> AcceptedBy, IReadOnlyList<LedgerEntryRef> Entries);

/// <summary>How a canary window's end relates to an acceptance of no canary comparison.</summary>
public enum NoCanaryComparisonOutcome
{
    /// <summary>The canary was judged and may be promoted on its own evidence: the acceptance is not needed.</summary>
    NotNeeded,

    /// <summary>A check failed (errors count on any traffic): the canary is rolled back; an acceptance never overrides a failure.</summary>
    Unhealthy,

    /// <summary>A production version serves (or served when the canary started): not a first deployment, the acceptance does not apply.</summary>
    NotFirstDeployment,

    /// <summary>Not every approver of the quorum accepted: the policy's onInsufficientEvidence applies as without it.</summary>
    NotAccepted,

    /// <summary>A first deployment short only of traffic, accepted by every approver: promoted, with the acceptance and counts in the outcome.</summary>
    Promote,
}

/// <summary>The judgement at a canary window's end, and the outcome's reason when it promotes.</summary>
/// <param name="Outcome">What applies.</param>
/// <param name="Reason">The recorded outcome's reason for <see cref="NoCanaryComparisonOutcome.Promote"/>, else null.</param>
public sealed record NoCanaryComparisonJudgement(NoCanaryComparisonOutcome Outcome, string? Reason);

/// <summary>
/// The pure rules of deploying a first version without a canary comparison: an approval may carry
/// <c>acceptNoCanaryComparison</c> only while the model has no production version; the acceptance counts only when every
/// approving signature of the quorum carries it; and it promotes only a first deployment whose window (with any extension)
/// ended healthy but short of the minimum traffic. Everywhere else behaviour is as without it.
/// </summary>
public static class NoCanaryComparison
{
    /// <summary>The request field (JSON) and the name used in the CLI flag, the ledger and the docs.</summary>
    public const string Field = "acceptNoCanaryComparison";

    /// <summary>Why an approval may not carry the acceptance, or null when it may.</summary>
    /// <param name="decision">The approval's decision (only an approval can accept).</param>
    /// <param name="modelName">The run's model.</param>
    /// <param name="productionVersion">The model's production version now (null: none, so the deployment would be a first deployment).</param>
    public static string? CheckRequest(ApprovalDecision decision, string modelName, int? productionVersion) =>
        decision != ApprovalDecision.Approve ? $"{Field} goes with an approval; a rejection deploys nothing"
        : productionVersion is { } production ? string.Create(CultureInfo.InvariantCulture,
            $"{modelName} has production version {production}: the canary is compared against it, so {Field} applies only to a first deployment")
        : null;

    /// <summary>
    /// The acceptance of the quorum that approved: every approving signature must carry one (an approver who did not accept
    /// keeps the canary comparison required); null when none or not all did.
    /// </summary>
    public static NoCanaryComparisonAcceptance? AcceptedBy(IReadOnlyCollection<SignedApproval> approving)
    {
        ArgumentNullException.ThrowIfNull(approving);
        var approvals = approving.Where(a => a.Decision == ApprovalDecision.Approve).ToList();
        if (approvals.Count == 0 || approvals.Any(a => a.NoCanaryComparisonAccepted is null))
        {
            return null;
        }

        return new NoCanaryComparisonAcceptance(
            approvals.Select(a => a.Approver).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList(),
            approvals.Select(a => a.NoCanaryComparisonAccepted!).ToList());
    }

    /// <summary>
    /// At the end of a canary's window: promotes (with the reason to record) a first deployment that is healthy but short of
    /// traffic when <paramref name="acceptance"/> names the approvers; otherwise says which normal rule applies.
    /// </summary>
    /// <param name="verdict">The canary's verdict at the window's end.</param>
    /// <param name="observed">What was observed (null: not recorded; then only <paramref name="productionBefore"/> decides "first").</param>
    /// <param name="productionBefore">The production version the canary was measured against (null: none, a first deployment).</param>
    /// <param name="minRequests">The policy's traffic minimum (named in the reason).</param>
    /// <param name="acceptance">The quorum's acceptance (null: none).</param>
    public static NoCanaryComparisonJudgement Judge(
        CanaryVerdict verdict, CanaryObservation? observed, int? productionBefore, int minRequests, NoCanaryComparisonAcceptance? acceptance)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        if (!verdict.Healthy)
        {
            return new(NoCanaryComparisonOutcome.Unhealthy, null);
        }

        if (verdict.Promotable)
        {
            return new(NoCanaryComparisonOutcome.NotNeeded, null);
        }

        if (productionBefore is not null || observed is { Compared: true })
        {
            return new(NoCanaryComparisonOutcome.NotFirstDeployment, null);
        }

        if (acceptance is not { AcceptedBy.Count: > 0 })
        {
            return new(NoCanaryComparisonOutcome.NotAccepted, null);
        }

        var counts = observed is { } o
            ? string.Create(CultureInfo.InvariantCulture, $"canary {o.Requests} requests ({o.Errors} errors) of the {minRequests} a comparison needs, no production version")
            : string.Create(CultureInfo.InvariantCulture, $"fewer than the {minRequests} canary requests a comparison needs, no production version");
        return new(NoCanaryComparisonOutcome.Promote,
            $"deployed without a canary comparison, accepted by {string.Join(", ", acceptance.AcceptedBy)}: {counts} ({verdict.Summary})");
    }
}
