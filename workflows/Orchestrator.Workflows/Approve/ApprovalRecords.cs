namespace Orchestrator.Workflows.Approve;

/// <summary>What a reviewer decided.</summary>
public enum ApprovalDecision
{
    Approve,
    Reject,
}

/// <summary>
/// Points at the <c>ApprovalSigned</c> entry the API appended to the run's ledger stream before it
/// signalled the workflow. The workflow trusts nothing in a signal until an activity has confirmed
/// that this entry exists with this hash.
/// </summary>
/// <param name="StreamId">The run's ledger stream.</param>
/// <param name="Version">The entry's version within the stream.</param>
/// <param name="EventHash">The entry's chain hash (hex).</param>
public sealed record LedgerEntryRef(string StreamId, long Version, string EventHash);

/// <summary>An approval as recorded in the ledger: the signal carries <see cref="Entry"/>; the rest is read back from the ledger.</summary>
/// <param name="Entry">The ledger entry the API wrote.</param>
/// <param name="Approver">The authenticated identity that signed (never Temporal's identity field).</param>
/// <param name="Roles">The approver's verified roles at signing time.</param>
/// <param name="Decision">Approve or reject.</param>
/// <param name="Reason">The reviewer's stated reason.</param>
/// <param name="EvidenceDigest">Digest of the evidence the reviewer saw.</param>
/// <param name="SignedAt">When the API recorded the signature.</param>
public sealed record SignedApproval(
    LedgerEntryRef Entry,
    string Approver,
    IReadOnlyList<string> Roles,
    ApprovalDecision Decision,
    string Reason,
    string EvidenceDigest,
    DateTimeOffset SignedAt);

/// <summary>The approval rules of a policy version.</summary>
/// <param name="Quorum">How many distinct approvers must approve.</param>
/// <param name="EligibleRoles">An approver must hold at least one of these roles.</param>
/// <param name="RequiredRoles">Each of these roles must be held by at least one accepted approver (may be empty).</param>
/// <param name="Deadline">How long the run waits for the quorum before the request expires.</param>
public sealed record ApprovalPolicy(int Quorum, IReadOnlyList<string> EligibleRoles, IReadOnlyList<string> RequiredRoles, TimeSpan Deadline);

/// <summary>The facts of one approval request that the rules need.</summary>
/// <param name="Requester">Who started the run (may not approve it).</param>
/// <param name="Trainers">Who launched or changed the training of this run (may not approve it).</param>
/// <param name="EvidenceDigest">Digest of the evidence under review now.</param>
/// <param name="Deadline">When the request expires.</param>
public sealed record ApprovalRequest(string Requester, IReadOnlyList<string> Trainers, string EvidenceDigest, DateTimeOffset Deadline);

/// <summary>Why an approval was not counted.</summary>
public enum ApprovalRefusal
{
    None,
    SeparationOfDuties,
    NotEligible,
    StaleEvidence,
    DeadlinePassed,
    Duplicate,
    LedgerMismatch,
}

/// <summary>The verdict on one signed approval.</summary>
public sealed record ApprovalCheck(ApprovalRefusal Refusal, string Explanation)
{
    public bool Accepted => Refusal == ApprovalRefusal.None;
}

/// <summary>Where a request stands.</summary>
public enum ApprovalState
{
    Pending,
    Approved,
    Rejected,
    Expired,
}

/// <summary>The tally of accepted approvals against the policy.</summary>
/// <param name="State">Pending, approved, rejected or expired.</param>
/// <param name="Approvers">Distinct accepted approvers so far.</param>
/// <param name="ApprovalsStillNeeded">How many more distinct approvers the quorum needs.</param>
/// <param name="RolesStillNeeded">Required roles no accepted approver holds yet.</param>
public sealed record ApprovalStatus(ApprovalState State, IReadOnlyList<string> Approvers, int ApprovalsStillNeeded, IReadOnlyList<string> RolesStillNeeded);
