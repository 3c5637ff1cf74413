using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Approve;
using Temporalio.Activities;

namespace Orchestrator.Workflows.QualityControl;

/// <summary>
/// The human gold audit's activities (ADR 0039): record the sampled items a reviewer must label, read back a
/// reviewer's submission from the ledger (the update's content is never trusted on its own), and record a refusal.
/// </summary>
public interface IGoldAuditActivities
{
    /// <summary>Activity type names (recorded in histories: never change them).</summary>
    public const string RequestName = "RequestGoldAudit";

    /// <inheritdoc cref="RequestName"/>
    public const string ConfirmName = "ConfirmGoldAudit";

    /// <inheritdoc cref="RequestName"/>
    public const string RefusedName = "RecordGoldAuditRefused";

    /// <summary>The label set whose spot audit a person must review, and until when the run waits.</summary>
    public sealed record RequestInput(string RunId, DatasetVersion Dataset, LabelSet Labels, DateTimeOffset Deadline);

    /// <summary>A GoldAuditSubmitted entry the API appended to the run's stream.</summary>
    public sealed record ConfirmInput(string RunId, LedgerEntryRef Entry);

    /// <summary>A submission the workflow did not take, with the rule and the reason.</summary>
    public sealed record RefusedInput(string RunId, LedgerEntryRef Entry, string? Reviewer, string Rule, string Reason);

    /// <summary>Samples the items (the same sample QC evaluates), records GoldAuditRequested and returns what the rules need.</summary>
    [Activity(RequestName)]
    Task<GoldAuditRequest> RequestAsync(RequestInput input);

    /// <summary>Reads the entry back (it must be a GoldAuditSubmitted in this run's stream, written by the reviewer it names).</summary>
    [Activity(ConfirmName)]
    Task<GoldAuditSubmission> ConfirmAsync(ConfirmInput input);

    /// <summary>Records GoldAuditRefused.</summary>
    [Activity(RefusedName)]
    Task RecordRefusedAsync(RefusedInput input);
}

/// <summary>An open request for a human gold audit.</summary>
/// <param name="LabelSetDigest">The label set under audit (a re-annotation round opens a new request).</param>
/// <param name="Items">The sampled item ids.</param>
/// <param name="Classes">The labels a reviewer may give.</param>
/// <param name="Annotators">Who labelled the data (none of them may review it).</param>
/// <param name="Deadline">When the run stops waiting.</param>
public sealed record GoldAuditRequest(string LabelSetDigest, IReadOnlyList<string> Items, IReadOnlyList<string> Classes, IReadOnlyList<string> Annotators, DateTimeOffset Deadline);

/// <summary>One reviewed item: the label the reviewer gives it.</summary>
public sealed record GoldAuditLabel(string ItemId, string Label);

/// <summary>A reviewer's submission as the ledger holds it.</summary>
/// <param name="Entry">The GoldAuditSubmitted entry.</param>
/// <param name="Reviewer">The verified identity that submitted (the entry's actor).</param>
/// <param name="LabelSetDigest">The label set the reviewer audited.</param>
/// <param name="Labels">The reviewer's labels.</param>
public sealed record GoldAuditSubmission(LedgerEntryRef Entry, string Reviewer, string LabelSetDigest, IReadOnlyList<GoldAuditLabel> Labels);

/// <summary>The workflow's answer to a submitted audit: accepted (QC runs on it), refused (the request stays open), or closed.</summary>
public sealed record GoldAuditJudgement(string Outcome, string Explanation);

/// <summary>The outcomes of a <see cref="GoldAuditJudgement"/>, the update's name and the error types its validator refuses with.</summary>
public static class GoldAuditJudgements
{
    /// <summary>The update's name, recorded in histories: never change it.</summary>
    public const string UpdateName = "SubmitGoldAudit";

    /// <summary>The audit was taken: QC evaluates it.</summary>
    public const string Accepted = "accepted";

    /// <summary>A rule refused it (recorded as GoldAuditRefused); the request stays open.</summary>
    public const string Refused = "refused";

    /// <summary>The request closed (deadline, or another audit was taken) before this one was judged.</summary>
    public const string Closed = "closed";

    /// <summary>Validator error: the run is not waiting for a gold audit.</summary>
    public const string NotAwaitingGoldAudit = "NotAwaitingGoldAudit";

    /// <summary>Validator error: the entry is in another run's stream.</summary>
    public const string WrongRun = "WrongRun";
}

/// <summary>What the run's status query shows of an open gold-audit request.</summary>
public sealed record PendingGoldAudit(string LabelSetDigest, int Items, DateTimeOffset Deadline, IReadOnlyList<string> Refusals);
