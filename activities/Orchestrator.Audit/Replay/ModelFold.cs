using Orchestrator.Audit.Events.Models;

namespace Orchestrator.Audit.Replay;

/// <summary>The pure fold of a model stream into <see cref="ModelRegistryEntry"/>; other events leave it unchanged.</summary>
public static class ModelFold
{
    /// <summary>The stream id prefix of model streams.</summary>
    private const string Prefix = "model-";

    /// <summary>The state after <paramref name="event"/>.</summary>
    public static ModelRegistryEntry Apply(ModelRegistryEntry state, object @event, EntryMeta meta)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(meta);
        var at = meta.RecordedAt;
        var next = @event switch
        {
            ModelExported e => state with
            {
                Versions = [.. state.Versions.Where(v => v.Version != e.Version), new ModelVersionRecord
                {
                    Version = e.Version, RunId = e.RunId, DatasetDigest = e.DatasetDigest, OnnxDigest = e.OnnxDigest,
                    OnnxUri = e.OnnxUri, ParityMaxAbsError = e.ParityMaxAbsError, ExportedAt = at,
                }],
            },
            ModelEvaluated e => Update(state, e.Version, v => v with
            {
                Metrics = e.Metrics, EvaluationVerdict = e.Verdict, PolicyVersion = e.PolicyVersion, Status = ModelVersionStatus.Evaluated,
            }),
            ModelVersionApproved e => Update(state, e.Version, v => v with
            {
                Approvers = e.Approvers, ApprovalEvidenceDigest = e.EvidenceDigest, Approvals = e.Approvals, ApprovedAt = at, Status = ModelVersionStatus.Approved,
            }),
            ModelDeployed e => Alias(Update(state, e.Version, v => v with { Status = ModelVersionStatus.Deployed }), e.Alias, a => e.CanaryShare >= 1
                ? new ModelAlias(e.Version, null, 0, at)
                : new ModelAlias(a?.Version, e.Version, e.CanaryShare, at)),
            ModelPromoted e => Alias(state, e.Alias, _ => new ModelAlias(e.Version, null, 0, at)),
            ModelRolledBack e => Alias(state, e.Alias, _ => new ModelAlias(e.ToVersion > 0 ? e.ToVersion : null, null, 0, at)),
            DriftMeasured e => Update(state, e.Version, v => v with
            {
                LastDrift = e.Value,
                NotJudged = v.NotJudged is not null && e.SampleCount >= v.NotJudgedNeeded ? null : v.NotJudged,
                NotJudgedNeeded = (v.NotJudged ?? v.NotJudgedWaived) is not null && e.SampleCount >= v.NotJudgedNeeded ? 0 : v.NotJudgedNeeded,
                NotJudgedWaived = v.NotJudgedWaived is not null && e.SampleCount >= v.NotJudgedNeeded ? null : v.NotJudgedWaived,
            }),
            ModelNotJudged e => Update(state, e.Version, v => v with
            {
                NotJudged = FormattableString.Invariant($"not judged since {e.Since:O}: {e.Samples} predictions of {e.MinSamples} needed ({e.Feedback} labelled of {e.MinFeedback})"),
                NotJudgedNeeded = e.MinSamples,
            }),
            ModelNotJudgedWaived e => Update(state, e.Version, v => v with
            {
                NotJudgedWaived = FormattableString.Invariant(
                    $"not judged since {e.Since:O}: {e.Samples} predictions of {e.MinSamples} needed ({e.Feedback} labelled of {e.MinFeedback}); waived by the policy ({e.Check}): {e.Reason}"),
                NotJudgedNeeded = e.MinSamples,
            }),
            CanaryHeld e => Update(state, e.Version, v => v with { CanaryHeld = e.Reason }),
            CanaryHoldResolved e => Update(state, e.Version, v => v with { CanaryHeld = null }),
            DriftDetected e => Update(state, e.Version, v => v with { LastDrift = e.Value, DriftDetected = true }),
            RetrainRequested e => Update(state, e.Version, v => v with { RetrainRequested = true }),
            ModelDecommissioned e => Decommission(state, e.Version, at),
            ModelServingStopped e => state with { Stopped = true, StopReason = e.Reason, StoppedAt = at },
            ModelServingResumed => state with { Stopped = false, StopReason = null, StoppedAt = null },
            ModelAliasChanged e => Alias(state, e.Alias, _ => new ModelAlias(e.Version, null, 0, at)),
            ModelArtifactsRetained e => Update(state, e.Version, v => v with { ArtifactsDeleted = e.Deleted }),
            _ => null,
        };
        return next is null ? state : next with
        {
            Id = meta.StreamId,
            Name = meta.StreamId.StartsWith(Prefix, StringComparison.Ordinal) ? meta.StreamId[Prefix.Length..] : meta.StreamId,
            UpdatedAt = at,
            StreamVersion = meta.Version,
        };
    }

    /// <summary>True for the events this fold understands.</summary>
    public static bool Handles(object @event) =>
        @event?.GetType().Namespace == typeof(ModelExported).Namespace && @event is not ChampionComparison;

    /// <summary>
    /// The read model after <paramref name="event"/>, as the inline projection stores it: unchanged (possibly
    /// null) for events of other streams, else folded from <paramref name="snapshot"/> or a new entry.
    /// </summary>
    public static ModelRegistryEntry? Evolve(ModelRegistryEntry? snapshot, string streamId, object @event, EntryMeta meta) =>
        Handles(@event) ? Apply(snapshot ?? new ModelRegistryEntry { Id = streamId }, @event, meta) : snapshot;

    private static ModelRegistryEntry Update(ModelRegistryEntry state, int version, Func<ModelVersionRecord, ModelVersionRecord> change) =>
        state with { Versions = [.. state.Versions.Select(v => v.Version == version ? change(v) : v)] };

    private static ModelRegistryEntry Alias(ModelRegistryEntry state, string alias, Func<ModelAlias?, ModelAlias> change)
    {
        var aliases = new Dictionary<string, ModelAlias>(state.Aliases, StringComparer.Ordinal);
        aliases[alias] = change(aliases.GetValueOrDefault(alias));
        return state with { Aliases = aliases };
    }

    private static ModelRegistryEntry Decommission(ModelRegistryEntry state, int version, DateTimeOffset at)
    {
        var aliases = state.Aliases.ToDictionary(
            a => a.Key,
            a => a.Value with
            {
                Version = a.Value.Version == version ? null : a.Value.Version,
                CanaryVersion = a.Value.CanaryVersion == version ? null : a.Value.CanaryVersion,
                Since = a.Value.Version == version || a.Value.CanaryVersion == version ? at : a.Value.Since,
            },
            StringComparer.Ordinal);
        return Update(state, version, v => v with { Status = ModelVersionStatus.Decommissioned, DecommissionedAt = at }) with { Aliases = aliases };
    }
}
