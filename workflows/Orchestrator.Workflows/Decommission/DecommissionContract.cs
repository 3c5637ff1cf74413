using Temporalio.Activities;

namespace Orchestrator.Workflows.Decommission;

/// <summary>
/// What happens to a version's artifacts when it is decommissioned (the policy's "retention" section).
/// </summary>
/// <param name="DeleteArtifacts">Delete the ONNX file when the version is retired (false: keep it for the retention period).</param>
/// <param name="Retention">How long kept artifacts are retained, e.g. "P7Y" (recorded with the decision).</param>
/// <param name="LegalHold">A legal hold: artifacts are kept whatever <paramref name="DeleteArtifacts"/> says.</param>
/// <param name="SupersededGracePeriod">How long a superseded production version stays available (pinned requests) before it is retired automatically.</param>
public sealed record RetentionPolicy(bool DeleteArtifacts = false, string Retention = "P7Y", bool LegalHold = false, TimeSpan? SupersededGracePeriod = null)
{
    /// <summary>The grace period, one day when the policy names none.</summary>
    public TimeSpan GracePeriod => SupersededGracePeriod ?? TimeSpan.FromDays(1);
}

/// <summary>The decommission activity: alias removal, serving stopped, artifacts per retention, final audit event.</summary>
public interface IDecommissionActivities
{
    /// <summary>The activity type name (recorded in every history: never change it).</summary>
    public const string Name = "DecommissionModelVersion";

    /// <summary>Retire <paramref name="Version"/> of <paramref name="ModelName"/> because <paramref name="Reason"/>; the retention section is read from the pinned policy.</summary>
    public sealed record Input(string ModelName, int Version, string Reason, string PolicyDigest);

    /// <summary>What was done: whether the artifacts were deleted, and the version now in production (the successor), if any.</summary>
    public sealed record Output(int Version, bool ArtifactsDeleted, int? Successor, bool AlreadyDecommissioned);

    /// <summary>Retires the version (for the monitor, after the grace period).</summary>
    [Activity(Name)]
    Task<Output> DecommissionAsync(Input input);
}
