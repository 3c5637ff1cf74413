using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Deploy;
using Temporalio.Activities;

namespace Orchestrator.Workflows.Ledger;

/// <summary>How a run ended.</summary>
public enum RunOutcome
{
    Completed,
    Failed,
    Cancelled,
}

/// <summary>
/// The run-level facts the workflow itself records in the audit ledger (stage activities record their
/// own). Every call is idempotent: the activity derives its key from the workflow id and the fact.
/// </summary>
public interface IRunLedgerActivities
{
    /// <summary>The activity type names (recorded in every history: never change them).</summary>
    public const string RecordStartedName = "RecordRunStarted";

    /// <inheritdoc cref="RecordStartedName"/>
    public const string RecordEndedName = "RecordRunEnded";

    /// <inheritdoc cref="RecordStartedName"/>
    public const string RequestApprovalName = "RequestApproval";

    /// <inheritdoc cref="RecordStartedName"/>
    public const string ConfirmApprovalName = "ConfirmApproval";

    /// <inheritdoc cref="RecordStartedName"/>
    public const string RecordApprovalName = "RecordApprovalOutcome";

    /// <summary>The run's workflow started under a pinned policy.</summary>
    public sealed record StartedInput(string RunId, string PolicyName, int PolicyVersion, string PolicyDigest);

    /// <summary>The run ended; <paramref name="Stage"/> is where it failed or was cancelled.</summary>
    public sealed record EndedInput(string RunId, string ModelName, RunOutcome Outcome, string Stage, string Reason, int? ModelVersion);

    /// <summary>Confirm that <paramref name="Entry"/> is an intact ApprovalSigned entry of this run's stream and read it.</summary>
    public sealed record ConfirmApprovalInput(string RunId, LedgerEntryRef Entry);

    /// <summary>Ask for approval of a candidate version; the activity computes and records the evidence digest.</summary>
    /// <param name="RunId">The run.</param>
    /// <param name="Version">The registered candidate version approvers decide on.</param>
    /// <param name="Evidence">Named digests of what approvers review (dataset, labels, report, ONNX, policy).</param>
    /// <param name="Deadline">When the request expires.</param>
    /// <param name="Policy">Who may approve and how many must.</param>
    public sealed record RequestApprovalInput(string RunId, ModelVersion Version, IReadOnlyDictionary<string, string> Evidence, DateTimeOffset Deadline, ApprovalPolicy Policy);

    /// <summary>The recorded request: approvers must sign this evidence digest.</summary>
    public sealed record ApprovalRequestRecord(string EvidenceDigest, LedgerEntryRef Entry);

    /// <summary>How the workflow judged one signed approval, or the whole request.</summary>
    public enum ApprovalOutcomeKind
    {
        /// <summary>One signature was refused (separation of duties, stale evidence, ...).</summary>
        Refused,

        /// <summary>The quorum was reached: approved.</summary>
        Accepted,

        /// <summary>An approver rejected the model.</summary>
        Rejected,

        /// <summary>The deadline passed without a quorum.</summary>
        Expired,
    }

    /// <summary>Record a judgement; <paramref name="Signatures"/> are the ledger entries it concerns.</summary>
    /// <param name="RunId">The run.</param>
    /// <param name="Kind">What was decided.</param>
    /// <param name="Reason">Why.</param>
    /// <param name="Signatures">The ledger entries it concerns.</param>
    /// <param name="Approvers">The distinct approvers counted.</param>
    /// <param name="Deadline">The request's deadline.</param>
    /// <param name="Rule">For <see cref="ApprovalOutcomeKind.Refused"/>: the rule that refused (<see cref="ApprovalRules.RuleName"/>); null in older runs.</param>
    /// <param name="Approver">For <see cref="ApprovalOutcomeKind.Refused"/>: who signed the refused entry, when it could be read.</param>
    public sealed record ApprovalOutcomeInput(
        string RunId, ApprovalOutcomeKind Kind, string Reason, IReadOnlyList<LedgerEntryRef> Signatures, IReadOnlyList<string> Approvers, DateTimeOffset Deadline,
        string? Rule = null, string? Approver = null);

    /// <summary>RunStarted, with the pinned policy as evidence.</summary>
    [Activity(RecordStartedName)]
    Task RecordStartedAsync(StartedInput input);

    /// <summary>RunCompleted, RunFailed or RunCancelled.</summary>
    [Activity(RecordEndedName)]
    Task RecordEndedAsync(EndedInput input);

    /// <summary>ApprovalRequested with the evidence digest approvers sign.</summary>
    [Activity(RequestApprovalName)]
    Task<ApprovalRequestRecord> RequestApprovalAsync(RequestApprovalInput input);

    /// <summary>Reads back the entry a signal pointed at; the signal's content is never trusted on its own.</summary>
    [Activity(ConfirmApprovalName)]
    Task<SignedApproval> ConfirmApprovalAsync(ConfirmApprovalInput input);

    /// <summary>ApprovalAccepted, ApprovalRejected, ApprovalRefused (one signature that did not count) or ApprovalExpired.</summary>
    [Activity(RecordApprovalName)]
    Task RecordApprovalOutcomeAsync(ApprovalOutcomeInput input);
}
