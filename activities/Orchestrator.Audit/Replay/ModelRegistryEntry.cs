using Orchestrator.Audit.Events;

namespace Orchestrator.Audit.Replay;

/// <summary>
/// A model's state folded from its stream: the model registry read model (Marten document, id = stream
/// id) and the answer of point-in-time replay ("which version was production on a date, approved by whom").
/// </summary>
public sealed record ModelRegistryEntry
{
    /// <summary>The model's stream id.</summary>
    public string Id { get; init; } = "";

    /// <summary>The model's name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Every exported version, oldest first.</summary>
    public IReadOnlyList<ModelVersionRecord> Versions { get; init; } = [];

    /// <summary>Aliases (e.g. "production") and the versions serving them.</summary>
    public IReadOnlyDictionary<string, ModelAlias> Aliases { get; init; } = new Dictionary<string, ModelAlias>();

    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>The stream version this state reflects (not named Version: Marten would treat that as its own revision).</summary>
    public long StreamVersion { get; init; }

    /// <summary>True while serving is halted by an emergency stop.</summary>
    public bool Stopped { get; init; }

    /// <summary>Why serving was stopped (shown to callers with the 503).</summary>
    public string? StopReason { get; init; }

    public DateTimeOffset? StoppedAt { get; init; }

    /// <summary>The record of model version <paramref name="version"/>, or null.</summary>
    public ModelVersionRecord? Find(int version) => Versions.FirstOrDefault(v => v.Version == version);
}

/// <summary>Where a model version is in its life.</summary>
public enum ModelVersionStatus
{
    /// <summary>Exported, not evaluated yet.</summary>
    Exported,

    /// <summary>Evaluated (see the verdict).</summary>
    Evaluated,

    /// <summary>Approved for deployment.</summary>
    Approved,

    /// <summary>Serving an alias (fully or as a canary).</summary>
    Deployed,

    /// <summary>Out of service for good.</summary>
    Decommissioned,
}

/// <summary>One model version: lineage to its run and dataset, evidence, metrics and approvals.</summary>
public sealed record ModelVersionRecord
{
    public int Version { get; init; }

    public string RunId { get; init; } = "";

    public string DatasetDigest { get; init; } = "";

    public string OnnxDigest { get; init; } = "";

    public string OnnxUri { get; init; } = "";

    public double ParityMaxAbsError { get; init; }

    public ModelVersionStatus Status { get; init; }

    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    public GateVerdict? EvaluationVerdict { get; init; }

    public string? PolicyVersion { get; init; }

    public IReadOnlyList<string> Approvers { get; init; } = [];

    public string? ApprovalEvidenceDigest { get; init; }

    /// <summary>The ApprovalSigned entries (in the run's stream) the approval rests on.</summary>
    public IReadOnlyList<LedgerReference> Approvals { get; init; } = [];

    public DateTimeOffset ExportedAt { get; init; }

    public DateTimeOffset? ApprovedAt { get; init; }

    /// <summary>The last drift statistic measured, if any.</summary>
    public double? LastDrift { get; init; }

    /// <summary>"not judged since ...: 37 predictions of 200 needed" while the monitor has recorded too little traffic to judge this version (ModelNotJudged); null once a window with enough predictions was measured.</summary>
    public string? NotJudged { get; init; }

    /// <summary>The predictions the last ModelNotJudged said were needed (what clears <see cref="NotJudged"/>).</summary>
    public int NotJudgedNeeded { get; init; }

    /// <summary>Why the canary of this version is held for a person's decision (CanaryHeld), if it is.</summary>
    public string? CanaryHeld { get; init; }

    public bool DriftDetected { get; init; }

    public bool RetrainRequested { get; init; }

    /// <summary>True once a decommissioned version's artifacts were deleted under the retention policy.</summary>
    public bool ArtifactsDeleted { get; init; }

    /// <summary>When the version was decommissioned, if it was.</summary>
    public DateTimeOffset? DecommissionedAt { get; init; }
}

/// <summary>What an alias serves: a version, and optionally a canary taking a share of the traffic.</summary>
public sealed record ModelAlias(int? Version, int? CanaryVersion, double CanaryShare, DateTimeOffset Since);
