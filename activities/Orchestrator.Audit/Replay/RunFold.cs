using Orchestrator.Audit.Events.Runs;

namespace Orchestrator.Audit.Replay;

/// <summary>The pure fold of a run stream into <see cref="RunSummary"/>; events of other streams leave it unchanged.</summary>
public static class RunFold
{
    /// <summary>The state after <paramref name="event"/>.</summary>
    public static RunSummary Apply(RunSummary state, object @event, EntryMeta meta)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(meta);
        var next = @event switch
        {
            RunRequested e => state with
            {
                RunId = e.RunId, Pipeline = e.Pipeline, ModelName = e.ModelName, PolicyVersion = e.PolicyVersion,
                RequestedBy = meta.Actor?.Id, RequestedAt = meta.RecordedAt, Status = RunStatus.Requested, Stage = "requested",
            },
            // A cancellation can land while the start is being recorded: RunStarted then follows RunCancelled in the
            // stream (the workflow did not wait for that bookkeeping activity), and the run stays cancelled.
            RunStarted => state.Status is RunStatus.Requested or RunStatus.Running ? state with { Status = RunStatus.Running, Stage = "started" } : state with { },
            DatasetAcquired e => state with { DatasetDigest = e.ManifestDigest, Stage = "acquired" },
            AnnotationsImported e => state with { LabelSetDigest = e.LabelSetDigest, Stage = "annotated" },
            QualityEvaluated e => state with { QualityVerdict = e.Verdict, Stage = "qc" },
            GoldAuditRequested => state with { Stage = "awaiting-gold-audit" },
            TrainingStarted => state with { Stage = "training" },
            TrainingEpochCompleted e => state with { EpochsCompleted = Math.Max(state.EpochsCompleted, e.Epoch), CheckpointDigest = e.CheckpointDigest },
            TrainingDeviceUsage => state with { },
            DecisionThresholdsChosen => state with { },
            TrainingCompleted e => state with { EpochsCompleted = e.Epochs, CheckpointDigest = e.FinalCheckpointDigest, Stage = "trained" },
            RunContributorsRecorded e => state with { Contributors = e.Contributors },
            ApprovalRequested e => state with
            {
                ModelName = e.ModelName, ModelVersion = e.ModelVersion, ApprovalEvidenceDigest = e.EvidenceDigest, ApprovalDeadline = e.Deadline, Stage = "awaiting-approval",
            },
            ApprovalSigned e => state with
            {
                Approvals = [.. state.Approvals, new ApprovalRecord(e.Approver, e.Roles, e.Decision, e.Reason, e.EvidenceDigest, meta.RecordedAt, meta.Reference)],
            },
            NoCanaryComparisonAccepted e => state with
            {
                Approvals = [.. state.Approvals.Select(a => a.Entry == e.Approval && string.Equals(a.Approver, e.Approver, StringComparison.Ordinal)
                    ? a with { NoCanaryComparisonAccepted = meta.Reference } : a)],
            },
            ApprovalAccepted => state with { Stage = "approved" },
            ApprovalRejected => state with { Stage = "approval-rejected" },

            // A refused signature leaves the request open: the stage stays awaiting-approval.
            ApprovalRefused e => state with { RefusedSignatures = e.Signature is { } s ? [.. state.RefusedSignatures, s] : state.RefusedSignatures },
            ApprovalExpired => state with { Stage = "approval-expired" },
            CanaryDecisionRequested e => state with
            {
                Stage = "canary-held",
                CanaryHold = new CanaryHoldRecord(e.ModelVersion, e.EvidenceDigest, e.Deadline, e.CanaryRequests, e.ProductionRequests, e.Reason, []),
            },
            CanaryDecisionSigned e => state with
            {
                CanaryHold = state.CanaryHold is { } hold
                    ? hold with { Decisions = [.. hold.Decisions, new CanaryDecisionRecord(e.Approver, e.Roles, e.Decision, e.Reason, e.EvidenceDigest, meta.RecordedAt, meta.Reference)] }
                    : null,
            },
            RunCompleted e => state with { Status = RunStatus.Completed, Stage = "completed", ModelVersion = e.ModelVersion ?? state.ModelVersion },
            RunFailed e => state with { Status = RunStatus.Failed, Stage = e.Stage, FailureReason = e.Reason },
            RunCancellationRequested e => state with { Cancellation = new CancellationRecord(e.RequestedBy, e.Reason, meta.RecordedAt) },
            RunCancelled e => state with { Status = RunStatus.Cancelled, Stage = "cancelled", FailureReason = e.Reason },
            _ => null,
        };
        return next is null ? state : next with { Id = meta.StreamId, UpdatedAt = meta.RecordedAt, StreamVersion = meta.Version };
    }

    /// <summary>True for the events this fold understands.</summary>
    public static bool Handles(object @event) => @event?.GetType().Namespace == typeof(RunRequested).Namespace;

    /// <summary>
    /// The read model after <paramref name="event"/>, as the inline projection stores it: unchanged (possibly
    /// null) for events of other streams, else folded from <paramref name="snapshot"/> or a new summary.
    /// </summary>
    public static RunSummary? Evolve(RunSummary? snapshot, string streamId, object @event, EntryMeta meta) =>
        Handles(@event) ? Apply(snapshot ?? new RunSummary { Id = streamId }, @event, meta) : snapshot;
}
