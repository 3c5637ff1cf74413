using Orchestrator.Workflows.Approve;
using Temporalio.Activities;

namespace Orchestrator.Workflows.Deploy;

/// <summary>The activities of a held canary's human decision (ADR 0040): ask, confirm a signature, resolve.</summary>
public interface ICanaryDecisionActivities
{
    /// <summary>The activity type names (recorded in every history: never change them).</summary>
    public const string RequestName = "RequestCanaryDecision";

    /// <inheritdoc cref="RequestName"/>
    public const string ConfirmName = "ConfirmCanaryDecision";

    /// <inheritdoc cref="RequestName"/>
    public const string ResolveName = "ResolveHeldCanary";

    /// <summary>Ask for a decision on run <paramref name="RunId"/>'s held canary of <paramref name="Version"/>; <paramref name="Held"/> is the deployment's held outcome.</summary>
    public sealed record RequestInput(string RunId, ModelVersion Version, DeploymentOutcome Held, DateTimeOffset Deadline);

    /// <summary>The recorded request: approvers sign this evidence digest.</summary>
    public sealed record RequestRecord(string EvidenceDigest, LedgerEntryRef Entry);

    /// <summary>Confirm that <paramref name="Entry"/> is an intact CanaryDecisionSigned entry of this run's stream and read it.</summary>
    public sealed record ConfirmInput(string RunId, LedgerEntryRef Entry);

    /// <summary>
    /// Promote or roll back the held canary. <paramref name="DecidedBy"/> and <paramref name="Signature"/> are null when the
    /// deadline passed without a decision (then <paramref name="Decision"/> is a rollback by the service).
    /// </summary>
    public sealed record ResolveInput(
        string RunId, ModelVersion Version, CanaryDecisionKind Decision, string Reason, string? DecidedBy, LedgerEntryRef? Signature, int? CanaryRequests, int? ProductionRequests);

    /// <summary>CanaryDecisionRequested on the run's stream, with the digest of the hold's evidence.</summary>
    [Activity(RequestName)]
    Task<RequestRecord> RequestDecisionAsync(RequestInput input);

    /// <summary>Reads back the entry an update pointed at; the update's content is never trusted on its own.</summary>
    [Activity(ConfirmName)]
    Task<SignedCanaryDecision> ConfirmDecisionAsync(ConfirmInput input);

    /// <summary>CanaryHoldResolved and ModelPromoted or ModelRolledBack on the model's stream (once per run and version).</summary>
    [Activity(ResolveName)]
    Task<DeploymentOutcome> ResolveAsync(ResolveInput input);
}
