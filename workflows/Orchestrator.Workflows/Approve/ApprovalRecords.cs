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
/// <param name="NoCanaryComparisonAccepted">The approver's NoCanaryComparisonAccepted entry when the approval explicitly accepts deploying a
/// first version without a canary comparison (ADR 0044); null when it does not (and in every confirmation recorded before it existed).</param>
public sealed record SignedApproval(
    LedgerEntryRef Entry,
    string Approver,
    IReadOnlyList<string> Roles,
    ApprovalDecision Decision,
    string Reason,
    string EvidenceDigest,
    DateTimeOffset SignedAt,
    LedgerEntryRef? NoCanaryComparisonAccepted = null);

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
/// <param name="Contributors">Everyone else recorded as having shaped the run (may not approve it); null or empty when none was recorded.</param>
public sealed record ApprovalRequest(
    string Requester, IReadOnlyList<string> Trainers, string EvidenceDigest, DateTimeOffset Deadline, IReadOnlyList<RunContributor>? Contributors = null);

/// <summary>One identity that shaped a run, and how (<see cref="Contributions"/>); none of them may approve it.</summary>
/// <param name="Identity">The verified identity (user or service).</param>
/// <param name="Contribution">One of <see cref="Contributions"/>.</param>
public sealed record RunContributor(string Identity, string Contribution);

/// <summary>How an identity shaped a run (the separation-of-duties set, ADR 0037).</summary>
public static class Contributions
{
    /// <summary>Asked for the run.</summary>
    public const string Requester = "requester";

    /// <summary>Registered the dataset the run trains on.</summary>
    public const string DatasetRegistrant = "dataset-registrant";

    /// <summary>Submitted the labels the run trains on.</summary>
    public const string LabelSubmitter = "label-submitter";

    /// <summary>Started the run as a retrain of an earlier version.</summary>
    public const string RetrainStarter = "retrain-starter";

    /// <summary>How a refusal names the contribution: "{approver} {Describe} and cannot approve it".</summary>
    public static string Describe(string contribution) => contribution switch
    {
        Requester => "requested this run",
        DatasetRegistrant => "registered this run's dataset",
        LabelSubmitter => "submitted this run's labels",
        RetrainStarter => "started this retrain",
        _ => $"shaped this run ({contribution})",
    };
}

/// <summary>
/// The workflow's answer to one approval submitted as an update (ADR 0022): whether the signature counted, was
/// refused, closed the gate, or arrived as the stage closed.
/// </summary>
/// <param name="Outcome">One of <see cref="ApprovalJudgements"/>.</param>
/// <param name="Explanation">The rule's explanation, or how the gate closed.</param>
/// <param name="ApprovalsStillNeeded">Distinct approvers the quorum still needs after this judgement.</param>
/// <param name="RolesStillNeeded">Required roles still missing after this judgement.</param>
public sealed record ApprovalJudgement(string Outcome, string Explanation, int ApprovalsStillNeeded, IReadOnlyList<string> RolesStillNeeded);

/// <summary>The outcomes of an <see cref="ApprovalJudgement"/>.</summary>
public static class ApprovalJudgements
{
    /// <summary>The signature counted; the request stays open for more.</summary>
    public const string Counted = "counted";

    /// <summary>The signature did not count (a rule refused it, recorded as ApprovalRefused); the request stays open.</summary>
    public const string Refused = "refused";

    /// <summary>The signature completed the quorum: approved.</summary>
    public const string Approved = "approved";

    /// <summary>The signature rejected the model: the run fails at approval.</summary>
    public const string Rejected = "rejected";

    /// <summary>The stage ended (expired, or closed by another signature) before this one was judged.</summary>
    public const string Closed = "closed";
}

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

/// <summary>The approval update's name and the error types its validator refuses with (the API maps them to 409).</summary>
public static class ApprovalErrors
{
    /// <summary>The update's name, recorded in histories: never change it.</summary>
    public const string UpdateName = "JudgeApproval";

    /// <summary>The run has no open approval request (not yet, or no longer).</summary>
    public const string NotAwaitingApproval = "NotAwaitingApproval";

    /// <summary>The ledger entry belongs to another run's stream.</summary>
    public const string WrongRun = "WrongRun";
}
