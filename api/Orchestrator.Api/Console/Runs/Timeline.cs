using System.Globalization;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;

namespace Orchestrator.Api.Console.Runs;

/// <summary>
/// One ledger entry on a timeline: when, who, what happened, how it ended (<paramref name="Outcome"/>: "passed", "failed",
/// "approve", "refused" and the like; null for a plain fact), and its place in the chain.
/// </summary>
public sealed record TimelineEntry(long Version, DateTimeOffset At, string Who, string Event, string Description, string? Outcome, string Hash);

/// <summary>The timeline of a stream, read from the ledger (never from Temporal's history).</summary>
public static class Timeline
{
    public static TimelineEntry From(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var actor = entry.Context.Actor;
        var who = actor.Kind == ActorKind.User ? $"{actor.Id} ({string.Join(", ", actor.Roles)})" : actor.Id;
        var (description, outcome) = Describe(entry.Data);
        return new TimelineEntry(entry.Version, entry.RecordedAt, who, entry.EventType, description, outcome, entry.Hash);
    }

    private static (string, string?) Describe(object data) => data switch
    {
        RunRequested e => ($"run of model '{e.ModelName}' requested under policy {e.PolicyVersion} ({e.DatasetSource})", null),
        RunStarted e => ($"workflow {e.WorkflowId} started on queue {e.TaskQueue}", null),
        DatasetAcquired e => (Text($"{e.ItemCount} images acquired ({string.Join(", ", e.ClassCounts.Select(c => $"{c.Key} {c.Value}"))}); licence {e.Licence}"), null),
        AnnotationsImported e => (Text($"{e.AnnotationCount} annotations from {e.Annotators.Count} annotators"), null),
        QualityEvaluated e => ($"quality-control gate {Verdict(e.Verdict)} under {e.PolicyVersion}" + Reasons(e.Reasons), Verdict(e.Verdict)),
        TrainingStarted e => (Text($"training started on {e.Device}, {e.Epochs} epochs") + (e.ResumedFromCheckpoint is null ? "" : ", resumed from a checkpoint"), null),
        TrainingEpochCompleted e => (Text($"epoch {e.Epoch}: validation accuracy {e.ValidationAccuracy:0.###}, loss {e.ValidationLoss:0.###}"), null),
        TrainingCompleted e => (Text($"training completed after {e.Epochs} epochs"), null),
        ApprovalRequested e => (Text($"approval of {e.ModelName} v{e.ModelVersion} requested: quorum {e.Quorum}, roles {string.Join(", ", e.RequiredRoles)}, deadline {e.Deadline:u}"), null),
        ApprovalSigned e => ($"{e.Approver} signed {Decision(e.Decision)} on {e.EvidenceDigest}: \u201c{e.Reason}\u201d", Decision(e.Decision)),
        ApprovalAccepted e => ($"quorum reached: {string.Join(", ", e.Approvers)}", "approved"),
        ApprovalRejected e => ($"approval refused: {e.Reason}", "refused"),
        ApprovalExpired e => (Text($"no quorum by the deadline {e.Deadline:u}"), "expired"),
        RunCompleted e => ($"run completed: {e.Summary}", "completed"),
        RunFailed e => ($"run failed at {e.Stage}: {e.Reason}", "failed"),
        RunCancelled e => ($"run cancelled: {e.Reason}", "cancelled"),
        ModelExported e => (Text($"version {e.Version} exported to ONNX (parity error {e.ParityMaxAbsError:0.###e0})"), null),
        ModelEvaluated e => ($"version {e.Version} evaluated: {Verdict(e.Verdict)} under {e.PolicyVersion}", Verdict(e.Verdict)),
        ModelVersionApproved e => (Text($"version {e.Version} approved by {string.Join(", ", e.Approvers)}"), "approved"),
        ModelDeployed e => (Text($"version {e.Version} deployed to {e.Alias} with {e.CanaryShare:P0} of the traffic"), null),
        ModelPromoted e => (Text($"version {e.Version} promoted to all of {e.Alias}"), "promoted"),
        ModelRolledBack e => (Text($"{e.Alias} rolled back from version {e.FromVersion} to {e.ToVersion}: {e.Reason}"), "rolled-back"),
        DriftMeasured e => (Text($"{e.Statistic} = {e.Value:0.####} (threshold {e.Threshold:0.####}, {e.SampleCount} samples) on version {e.Version}"), null),
        DriftDetected e => (Text($"drift: {e.Statistic} = {e.Value:0.####} over {e.Threshold:0.####} on version {e.Version}"), "drift"),
        RetrainRequested e => ($"retrain of version {e.Version} requested: {e.Reason}", null),
        ModelDecommissioned e => (Text($"version {e.Version} decommissioned: {e.Reason}"), "decommissioned"),
        ModelServingStopped e => ($"serving stopped: {e.Reason}", "stopped"),
        ModelServingResumed e => ($"serving resumed (approved by {e.ApprovedBy}): {e.Reason}", "resumed"),
        ModelAliasChanged e => (Text($"{e.Alias} pointed at version {e.Version} (was {e.FromVersion?.ToString(CultureInfo.InvariantCulture) ?? "none"}): {e.Reason}"), null),
        ModelArtifactsRetained e => (Text($"artifacts of version {e.Version} {(e.Deleted ? "deleted" : "kept")} (retention {e.Retention}{(e.LegalHold ? ", legal hold" : "")})"), null),
        _ => (data.GetType().Name, null),
    };

    private static string Verdict(GateVerdict verdict) => verdict == GateVerdict.Passed ? "passed" : "failed";

    private static string Decision(ApprovalDecision decision) => decision == ApprovalDecision.Approve ? "approve" : "reject";

    private static string Reasons(IReadOnlyList<string> reasons) => reasons.Count == 0 ? "" : ": " + string.Join("; ", reasons);

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
