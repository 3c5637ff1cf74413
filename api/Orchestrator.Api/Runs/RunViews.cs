using Orchestrator.Audit.Events;
using Orchestrator.Audit.Replay;
using Orchestrator.Workflows.Lifecycle;
using WorkflowRunStatus = Orchestrator.Workflows.Lifecycle.RunStatus;

namespace Orchestrator.Api.Runs;

/// <summary>202 answer of POST /api/runs.</summary>
public sealed record RunAccepted(string RunId, string WorkflowId, string PolicyVersion, string Status);

/// <summary>One run in a list.</summary>
public sealed record RunListItem(string RunId, string? ModelName, string Status, string Stage, string? RequestedBy, DateTimeOffset? RequestedAt, DateTimeOffset? UpdatedAt, int? ModelVersion);

/// <summary>A page of runs; <paramref name="Next"/> is the URL of the next page, null on the last.</summary>
public sealed record RunPage(IReadOnlyList<RunListItem> Items, int Skip, int Take, string? Next);

/// <summary>Links to the run's audit trail.</summary>
public sealed record RunLinks(string Self, string Events, string State, string Approvals);

/// <summary>A run in detail: the ledger's view, the workflow's live status (null when Temporal did not answer) and the evidence.</summary>
/// <param name="Run">The run in brief.</param>
/// <param name="PolicyVersion">The pinned policy.</param>
/// <param name="FailureReason">Why it failed or was cancelled, as the workflow recorded it.</param>
/// <param name="Evidence">Named digests.</param>
/// <param name="Approvals">Every signature on it.</param>
/// <param name="PendingApprovalEvidenceDigest">What approvers sign while it awaits approval.</param>
/// <param name="Workflow">The workflow's live status.</param>
/// <param name="WorkflowUnavailable">Why the live status is missing.</param>
/// <param name="Links">The audit trail.</param>
/// <param name="Cancellation">Who asked to cancel it and why (RunCancellationRequested); null when nobody did.</param>
/// <param name="RefusedSignatures">The signatures the workflow did not count (ApprovalRefused).</param>
/// <param name="Contributors">Everyone who shaped the run (none of them may approve it).</param>
/// <param name="CanaryHold">The canary held for a person's decision, if one was (ADR 0040).</param>
public sealed record RunDetail(
    RunListItem Run,
    string? PolicyVersion,
    string? FailureReason,
    IReadOnlyDictionary<string, string> Evidence,
    IReadOnlyList<ApprovalRecord> Approvals,
    string? PendingApprovalEvidenceDigest,
    WorkflowRunStatus? Workflow,
    string? WorkflowUnavailable,
    RunLinks Links,
    CancellationRecord? Cancellation = null,
    IReadOnlyList<LedgerReference>? RefusedSignatures = null,
    IReadOnlyList<RunContribution>? Contributors = null,
    CanaryHoldView? CanaryHold = null);

/// <summary>A held canary in a run's view: "canary held: waiting for a decision" while it waits, the counts and the decisions signed.</summary>
/// <param name="Status">"canary held: waiting for a decision" or "canary hold closed".</param>
/// <param name="ModelVersion">The held version.</param>
/// <param name="EvidenceDigest">What a decision signs.</param>
/// <param name="Deadline">When it is rolled back if nobody decided.</param>
/// <param name="CanaryRequests">Canary predictions seen.</param>
/// <param name="ProductionRequests">Production predictions in the same window.</param>
/// <param name="Reason">Why it was held.</param>
/// <param name="Decisions">The signed decisions.</param>
/// <param name="Decide">Where to post a decision.</param>
public sealed record CanaryHoldView(
    string Status, int ModelVersion, string EvidenceDigest, DateTimeOffset Deadline, int CanaryRequests, int ProductionRequests, string Reason,
    IReadOnlyList<CanaryDecisionRecord> Decisions, string Decide)
{
    /// <summary>The status line while the canary waits.</summary>
    public const string Waiting = "canary held: waiting for a decision";

    /// <summary>The view of <paramref name="run"/>'s hold, null when none was recorded.</summary>
    public static CanaryHoldView? Of(RunSummary run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.CanaryHold is not { } hold ? null : new CanaryHoldView(
            run.Status == Orchestrator.Audit.Replay.RunStatus.Running && run.Stage == Approvals.CanaryDecisionService.HeldStage ? Waiting : "canary hold closed",
            hold.ModelVersion, hold.EvidenceDigest, hold.Deadline, hold.CanaryRequests, hold.ProductionRequests, hold.Reason, hold.Decisions,
            $"/api/runs/{run.RunId ?? run.Id}/canary-decision");
    }
}

/// <summary>POST /api/runs/{id}/cancel.</summary>
public sealed record CancelRunRequest(string? Reason);

internal static class RunViewMapping
{
    public static RunListItem Item(RunSummary s) =>
        new(s.RunId ?? s.Id, s.ModelName, s.Status.ToString().ToLowerInvariant(), s.Stage, s.RequestedBy, s.RequestedAt, s.UpdatedAt, s.ModelVersion);

    public static RunLinks Links(string runId) =>
        new($"/api/runs/{runId}", $"/api/audit/streams/{AuditStreams.Run(runId)}/events", $"/api/audit/streams/{AuditStreams.Run(runId)}/state",
            $"/api/runs/{runId}/approvals");

    public static IReadOnlyDictionary<string, string> Evidence(RunSummary s)
    {
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Add(evidence, "dataset-manifest", s.DatasetDigest);
        Add(evidence, "label-set", s.LabelSetDigest);
        Add(evidence, "checkpoint", s.CheckpointDigest);
        Add(evidence, "approval-evidence", s.ApprovalEvidenceDigest);
        return evidence;
    }

    private static void Add(SortedDictionary<string, string> evidence, string name, string? digest)
    {
        if (digest is not null)
        {
            evidence[name] = digest;
        }
    }
}
