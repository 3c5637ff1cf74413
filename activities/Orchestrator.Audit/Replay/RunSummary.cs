using Orchestrator.Audit.Events;

namespace Orchestrator.Audit.Replay;

/// <summary>Where a run is in its lifecycle.</summary>
public enum RunStatus
{
    /// <summary>Requested, workflow not started yet.</summary>
    Requested,

    /// <summary>The workflow is running.</summary>
    Running,

    /// <summary>Finished successfully.</summary>
    Completed,

    /// <summary>Ended with a failure (a failed gate included).</summary>
    Failed,

    /// <summary>Cancelled.</summary>
    Cancelled,
}

/// <summary>
/// A run's state folded from its stream: the run summaries read model (Marten document, id = stream id)
/// and the answer of point-in-time replay.
/// </summary>
public sealed record RunSummary
{
    /// <summary>The run's stream id.</summary>
    public string Id { get; init; } = "";

    public string? RunId { get; init; }

    public string? Pipeline { get; init; }

    public string? ModelName { get; init; }

    public string? PolicyVersion { get; init; }

    /// <summary>The identity that requested the run (separation of duties needs it).</summary>
    public string? RequestedBy { get; init; }

    public RunStatus Status { get; init; }

    /// <summary>The last lifecycle stage reached, e.g. "qc", "training", "awaiting-approval".</summary>
    public string Stage { get; init; } = "";

    public DateTimeOffset? RequestedAt { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    public string? DatasetDigest { get; init; }

    public string? LabelSetDigest { get; init; }

    public GateVerdict? QualityVerdict { get; init; }

    public int EpochsCompleted { get; init; }

    public string? CheckpointDigest { get; init; }

    public int? ModelVersion { get; init; }

    public string? ApprovalEvidenceDigest { get; init; }

    public IReadOnlyList<ApprovalRecord> Approvals { get; init; } = [];

    /// <summary>When the open approval request expires (null in summaries stored before it was kept).</summary>
    public DateTimeOffset? ApprovalDeadline { get; init; }

    /// <summary>The ApprovalSigned entries the workflow refused (ApprovalRefused): they count for nothing.</summary>
    public IReadOnlyList<LedgerReference> RefusedSignatures { get; init; } = [];

    /// <summary>Everyone who shaped the run (RunContributorsRecorded); empty for runs requested before it was recorded.</summary>
    public IReadOnlyList<RunContribution> Contributors { get; init; } = [];

    /// <summary>Who asked to cancel the run and why (RunCancellationRequested), null when nobody did.</summary>
    public CancellationRecord? Cancellation { get; init; }

    public string? FailureReason { get; init; }

    /// <summary>The run's canary held for a person's decision (CanaryDecisionRequested), with the decisions signed on it; null when none was held.</summary>
    public CanaryHoldRecord? CanaryHold { get; init; }

    /// <summary>The stream version this state reflects (not named Version: Marten would treat that as its own revision).</summary>
    public long StreamVersion { get; init; }
}

/// <summary>One signed approval decision and the ledger entry that records it.</summary>
/// <remarks><c>NoCanaryComparisonAccepted</c>: the approver's NoCanaryComparisonAccepted entry when the approval also accepted deploying a first
/// version without a canary comparison (ADR 0044), else null.</remarks>
public sealed record ApprovalRecord(
    string Approver, IReadOnlyList<string> Roles, ApprovalDecision Decision, string Reason, string EvidenceDigest, DateTimeOffset SignedAt, LedgerReference Entry,
    LedgerReference? NoCanaryComparisonAccepted = null);

/// <summary>A cancellation request: who asked (verified identity), why, and when the API recorded it.</summary>
public sealed record CancellationRecord(string RequestedBy, string? Reason, DateTimeOffset RequestedAt);

/// <summary>A canary held for a person's decision: what approvers sign, until when, the counts it was held with and the decisions signed so far.</summary>
public sealed record CanaryHoldRecord(
    int ModelVersion, string EvidenceDigest, DateTimeOffset Deadline, int CanaryRequests, int ProductionRequests, string Reason, IReadOnlyList<CanaryDecisionRecord> Decisions);

/// <summary>One signed canary decision ("promote" or "rollback") and the ledger entry that records it.</summary>
public sealed record CanaryDecisionRecord(string Approver, IReadOnlyList<string> Roles, string Decision, string Reason, string EvidenceDigest, DateTimeOffset SignedAt, LedgerReference Entry);
