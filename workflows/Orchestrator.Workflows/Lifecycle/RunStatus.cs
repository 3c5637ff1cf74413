namespace Orchestrator.Workflows.Lifecycle;

/// <summary>One stage of a run as it happened (workflow time).</summary>
public sealed record StageRecord(string Stage, DateTimeOffset Started, DateTimeOffset? Ended, string? Outcome);

/// <summary>An open approval request and what it still needs.</summary>
/// <param name="EvidenceDigest">What approvers must sign.</param>
/// <param name="Deadline">When the request expires.</param>
/// <param name="Approvers">Distinct approvers counted so far.</param>
/// <param name="ApprovalsStillNeeded">How many more distinct approvers the quorum needs.</param>
/// <param name="RolesStillNeeded">Required roles still missing among the approvers.</param>
/// <param name="Refusals">Signatures that did not count, with the reason.</param>
public sealed record PendingApproval(
    string EvidenceDigest, DateTimeOffset Deadline, IReadOnlyList<string> Approvers, int ApprovalsStillNeeded,
    IReadOnlyList<string> RolesStillNeeded, IReadOnlyList<string> Refusals);

/// <summary>The answer to the lifecycle workflow's status query.</summary>
/// <param name="RunId">The run.</param>
/// <param name="CurrentStage">The stage it is in.</param>
/// <param name="Stages">The stages it went through.</param>
/// <param name="Approval">The open approval request, when it waits for approvers.</param>
/// <param name="GoldAudit">The open request for a human gold audit, when the run waits for one.</param>
/// <param name="CanaryDecision">The held canary waiting for a person's decision, if any.</param>
public sealed record RunStatus(string RunId, string CurrentStage, IReadOnlyList<StageRecord> Stages, PendingApproval? Approval,
    QualityControl.PendingGoldAudit? GoldAudit = null, Deploy.PendingCanaryDecision? CanaryDecision = null);
