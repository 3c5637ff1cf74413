using System.Globalization;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Replay;
using Orchestrator.Workflows.Decommission;
using Orchestrator.Workflows.Deploy;
using Orchestrator.Workflows.Policies;

namespace Orchestrator.Operations.Models;

/// <summary>
/// Every decision about a model version, as pure functions of the model's <see cref="ModelState"/>, the command
/// and the caller's clock: which events to append (with their idempotency keys), or why not. The API's model
/// operations and the registry, deployment and decommission activities only load the state
/// (<see cref="ModelState.LoadAsync"/>), call <c>Decide</c> and append what it returns (<see cref="ModelOperations"/>).
/// </summary>
public static class ModelDecider
{
    private const string Production = ModelState.ProductionAlias;

    /// <summary>The version a run's export becomes: the one it already claimed (same run and ONNX), else the next free number ("version/{n}").</summary>
    public static ModelDecision<int> Decide(ModelState state, ClaimVersion command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        if (state.Exported(command.RunId, command.OnnxDigest) is { } claimed)
        {
            return ModelDecision.Done<int>(claimed.Version);
        }

        var version = state.NextVersion;
        return ModelDecision.Record<int>(version, new ModelFact(
            new ModelExported(version, command.RunId, command.DatasetDigest, command.OnnxDigest, command.OnnxUri, command.ParityMaxAbsError),
            "version/" + version.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>The registration's ModelEvaluated (accuracy and macro F1 only), unless the version's evaluation is already recorded.</summary>
    public static ModelDecision<Recorded> Decide(ModelState state, RecordRegistration command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        if (state.Evaluated(command.Version))
        {
            return ModelDecision.Done<Recorded>(default);
        }

        var metrics = command.Metrics.Where(m => double.IsFinite(m.Value)).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
        var evaluated = new ModelEvaluated(command.Version, metrics, new Dictionary<string, IReadOnlyDictionary<string, double>>(),
            new Dictionary<string, IReadOnlyDictionary<string, double>>(), new Dictionary<string, double>(), null,
            command.Passed ? GateVerdict.Passed : GateVerdict.Failed, command.PolicyVersion);
        return ModelDecision.Record<Recorded>(default, new ModelFact(evaluated, $"version/{command.Version.ToString(CultureInfo.InvariantCulture)}/evaluated"));
    }

    /// <summary>The emergency stop: refused for an unknown model or one already stopped.</summary>
    public static ModelDecision<Recorded> Decide(ModelState state, StopServing command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        return Unregistered<Recorded>(state)
            ?? (state.Registry.Stopped
                ? ModelDecision.Refuse<Recorded>($"Serving of model '{state.Model}' is already stopped: {state.Registry.StopReason}")
                : ModelDecision.Record<Recorded>(default, new ModelFact(new ModelServingStopped(command.Reason), command.Key)));
    }

    /// <summary>Resuming serving: refused for an unknown model or one that is not stopped.</summary>
    public static ModelDecision<Recorded> Decide(ModelState state, ResumeServing command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        return Unregistered<Recorded>(state)
            ?? (!state.Registry.Stopped
                ? ModelDecision.Refuse<Recorded>($"Serving of model '{state.Model}' is not stopped.")
                : ModelDecision.Record<Recorded>(default, new ModelFact(new ModelServingResumed(command.Reason, command.ApprovedBy), command.Key)));
    }

    /// <summary>A manual promotion: only of an approved version that is not decommissioned.</summary>
    public static ModelDecision<Recorded> Decide(ModelState state, PromoteVersion command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        if (Unregistered<Recorded>(state) is { } unregistered)
        {
            return unregistered;
        }

        var (model, version) = (state.Model, command.Version);
        return state.Find(version) switch
        {
            null => ModelDecision.Refuse<Recorded>($"Model '{model}' has no version {version}.", notFound: true),
            { Status: ModelVersionStatus.Decommissioned } => ModelDecision.Refuse<Recorded>($"Model '{model}' version {version} is decommissioned and can never be served again."),
            { Approvals.Count: 0 } => ModelDecision.Refuse<Recorded>($"Model '{model}' version {version} was never approved; only approved versions can be promoted."),
            _ => ModelDecision.Record<Recorded>(default, new ModelFact(new ModelAliasChanged(Production, state.Production, version, command.Reason), command.Key)),
        };
    }

    /// <summary>A rollback: the canary if there is one, otherwise production back to the last earlier production version still live.</summary>
    public static ModelDecision<Recorded> Decide(ModelState state, RollBack command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        var model = state.Model;
        var alias = state.ProductionServing;
        if (alias is null || !state.Exists)
        {
            return ModelDecision.Refuse<Recorded>($"Model '{model}' has nothing deployed to roll back.", notFound: !state.Exists);
        }

        if (alias.CanaryVersion is { } canary)
        {
            return ModelDecision.Record<Recorded>(default, new ModelFact(new ModelRolledBack(canary, alias.Version ?? 0, Production, command.Reason), command.Key));
        }

        if (alias.Version is not { } current)
        {
            return ModelDecision.Refuse<Recorded>($"Model '{model}' has no production version to roll back.");
        }

        return PreviousProduction(state, current) is { } previous
            ? ModelDecision.Record<Recorded>(default, new ModelFact(new ModelRolledBack(current, previous, Production, command.Reason), command.Key))
            : ModelDecision.Refuse<Recorded>($"Model '{model}' has no earlier live production version to roll back to.");
    }

    /// <summary>
    /// Decommissioning: never the production version; artifacts deleted only when the retention says so, no legal
    /// hold applies and no other live version shares the ONNX bytes; once per version (a repeat reports the first).
    /// </summary>
    public static ModelDecision<IDecommissionActivities.Output> Decide(ModelState state, DecommissionVersion command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        var (model, version, retention) = (state.Model, command.Version, command.Retention);
        var record = state.Find(version);
        if (record is null)
        {
            return ModelDecision.Refuse<IDecommissionActivities.Output>($"Model '{model}' has no version {version}.", notFound: true);
        }

        if (record.Status == ModelVersionStatus.Decommissioned)
        {
            return ModelDecision.Done<IDecommissionActivities.Output>(new IDecommissionActivities.Output(version, record.ArtifactsDeleted, state.Production, AlreadyDecommissioned: true));
        }

        if (state.Production == version)
        {
            return ModelDecision.Refuse<IDecommissionActivities.Output>(
                $"Model '{model}' version {version} serves production; promote a successor or roll back before decommissioning it.");
        }

        // Content-addressed: another live version may share the same ONNX bytes; those are never deleted.
        var shared = state.Registry.Versions.Any(v => v.Version != version && v.OnnxDigest == record.OnnxDigest && v.Status != ModelVersionStatus.Decommissioned);
        var delete = retention.DeleteArtifacts && !retention.LegalHold && !shared;
        var key = "decommission/v" + version.ToString(CultureInfo.InvariantCulture);
        return ModelDecision.Record<IDecommissionActivities.Output>(new IDecommissionActivities.Output(version, delete, state.Production, AlreadyDecommissioned: false),
            new ModelFact(new ModelArtifactsRetained(version, delete, retention.LegalHold, retention.Retention, [record.OnnxDigest]), key + "/artifacts"),
            new ModelFact(new ModelDecommissioned(version, command.Reason), key));
    }

    /// <summary>The outcome a deployment already recorded, or null to go on; refused when the run did not register the version with that ONNX file.</summary>
    public static ModelDecision<DeploymentOutcome?> Decide(ModelState state, CheckDeployment command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        var keys = new CanaryKeys(command.RunId, command.Version);
        DeploymentOutcome? heldOutcome = null;
        for (var i = 0; i < state.Entries.Count; i++)
        {
            var entry = state.Entries[i];
            if (entry.IdempotencyKey == keys.Promoted)
            {
                return ModelDecision.Done<DeploymentOutcome?>(new DeploymentOutcome(true, $"canary promoted at {entry.RecordedAt:O}", state.ProductionAfter(i)));
            }

            if (entry.IdempotencyKey == keys.RolledBack && entry.Data is ModelRolledBack rolledBack)
            {
                return ModelDecision.Done<DeploymentOutcome?>(new DeploymentOutcome(false, rolledBack.Reason, null));
            }

            // A hold decided later (ResolveHeldCanary) reports the promotion or rollback after it, found above on a later entry.
            if (entry.IdempotencyKey == keys.Held && entry.Data is CanaryHeld held)
            {
                heldOutcome = new DeploymentOutcome(false, "canary held for a person's decision: " + held.Reason, null, held.CanaryRequests, held.ProductionRequests, Held: true);
            }
        }

        if (heldOutcome is not null)
        {
            return ModelDecision.Done<DeploymentOutcome?>(heldOutcome);
        }

        var registered = state.Entries.Any(e => e.Data is ModelExported x && x.Version == command.Version && x.RunId == command.RunId && x.OnnxDigest == command.OnnxDigest);
        return registered
            ? ModelDecision.Done<DeploymentOutcome?>(null)
            : ModelDecision.Refuse<DeploymentOutcome?>(
                $"Model {state.Model} v{command.Version} was not registered by run {command.RunId} with ONNX {command.OnnxDigest}.", notFound: true);
    }

    /// <summary>The version's approval, once per run and version.</summary>
    public static ModelDecision<Recorded> Decide(ModelState state, ApproveVersion command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        return Once(state, new ModelVersionApproved(command.Version, command.RunId, command.Approvers, command.EvidenceDigest, command.Approvals),
            new CanaryKeys(command.RunId, command.Version).Approved);
    }

    /// <summary>The canary deployment, once per run and version.</summary>
    public static ModelDecision<Recorded> Decide(ModelState state, StartCanary command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        return Once(state, new ModelDeployed(command.Version, Production, command.Share), new CanaryKeys(command.RunId, command.Version).Canary);
    }

    /// <summary>
    /// The end of a canary: nothing when an approver rolled it back by hand during the window; promoted when healthy
    /// (never before the window ends); rolled back to the production version it was measured against otherwise.
    /// </summary>
    public static ModelDecision<DeploymentOutcome> Decide(ModelState state, JudgeCanary command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        var keys = new CanaryKeys(command.RunId, command.Version);
        if (state.Entries.Skip(command.CanaryEntry > 0 ? (int)command.CanaryEntry : 0).Any(e => e.Data is ModelRolledBack r && r.FromVersion == command.Version))
        {
            return ModelDecision.Done<DeploymentOutcome>(new DeploymentOutcome(false, "canary rolled back by hand during the observation window", null));
        }

        var verdict = command.Verdict;
        var (canaryRequests, productionRequests) = (command.Observed?.Requests, command.Observed?.ProductionRequests);
        if (verdict.Healthy && now < command.WindowEnd)
        {
            return ModelDecision.Refuse<DeploymentOutcome>(
                $"Model {state.Model} v{command.Version}: a canary is judged only after its window, which ends at {command.WindowEnd:O}.");
        }

        if (verdict.Promotable)
        {
            return ModelDecision.Record<DeploymentOutcome>(
                new DeploymentOutcome(true, "canary healthy: " + verdict.Summary + Waived(verdict), command.ProductionBefore, canaryRequests, productionRequests),
                new ModelFact(new ModelPromoted(command.Version, Production), keys.Promoted));
        }

        var accepted = NoCanaryComparison.Judge(verdict, command.Observed, command.ProductionBefore, command.MinRequests, command.NoCanaryComparison);
        if (accepted is { Outcome: NoCanaryComparisonOutcome.Promote, Reason: { } acceptedReason } && command.NoCanaryComparison is { } acceptance)
        {
            var without = new DeployedWithoutCanaryComparison(command.Version, acceptance.AcceptedBy, canaryRequests ?? 0, command.Observed?.Errors ?? 0, command.MinRequests,
                [.. acceptance.Entries.Select(e => new LedgerReference(e.StreamId, e.Version, e.EventHash))]);
            return ModelDecision.Record(new DeploymentOutcome(true, acceptedReason, null, canaryRequests, productionRequests),
                new ModelFact(without, keys.WithoutComparison), new ModelFact(new ModelPromoted(command.Version, Production), keys.Promoted));
        }

        var reason = (verdict.InsufficientEvidence ? "insufficient evidence: " : "") + string.Join("; ", verdict.Reasons) + " (" + verdict.Summary + ")";
        if (verdict.InsufficientEvidence && command.OnInsufficientEvidence == InsufficientEvidenceAction.Hold)
        {
            return ModelDecision.Record<DeploymentOutcome>(
                new DeploymentOutcome(false, "canary held for a person's decision: " + reason, null, canaryRequests, productionRequests, Held: true),
                new ModelFact(new CanaryHeld(command.Version, reason, canaryRequests ?? 0, productionRequests ?? 0, command.MinRequests), keys.Held));
        }

        return ModelDecision.Record<DeploymentOutcome>(new DeploymentOutcome(false, reason, null, canaryRequests, productionRequests),
            new ModelFact(new ModelRolledBack(command.Version, command.ProductionBefore ?? 0, Production, reason), keys.RolledBack));
    }

    /// <summary>
    /// A held canary decided by a person (or by the deadline): refused unless this run's canary of the version is held;
    /// the outcome already recorded when it was decided before (a retried activity); nothing but that outcome when it was
    /// rolled back by hand meanwhile; otherwise CanaryHoldResolved, then ModelPromoted or ModelRolledBack to the production
    /// version serving beside it. The outcome names the person and the counts.
    /// </summary>
    public static ModelDecision<DeploymentOutcome> Decide(ModelState state, ResolveHeldCanary command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        var keys = new CanaryKeys(command.RunId, command.Version);
        var (canaryRequests, productionRequests) = (command.CanaryRequests, command.ProductionRequests);
        var heldAt = -1;
        for (var i = 0; i < state.Entries.Count; i++)
        {
            var entry = state.Entries[i];
            if (entry.IdempotencyKey == keys.Held)
            {
                heldAt = i;
            }
            else if (entry.IdempotencyKey == keys.Promoted)
            {
                return ModelDecision.Done(new DeploymentOutcome(true, $"canary promoted at {entry.RecordedAt:O}", state.ProductionAfter(i), canaryRequests, productionRequests));
            }
            else if (entry.IdempotencyKey == keys.RolledBack && entry.Data is ModelRolledBack recorded)
            {
                return ModelDecision.Done(new DeploymentOutcome(false, recorded.Reason, null, canaryRequests, productionRequests));
            }
        }

        if (heldAt < 0)
        {
            return ModelDecision.Refuse<DeploymentOutcome>($"Model {state.Model} v{command.Version}: run {command.RunId} holds no canary of it for a decision.", notFound: true);
        }

        if (state.Entries.Skip(heldAt).Any(e => e.Data is ModelRolledBack r && r.FromVersion == command.Version))
        {
            return ModelDecision.Done(new DeploymentOutcome(false, "held canary rolled back by hand before a decision", null, canaryRequests, productionRequests));
        }

        var production = state.Production;
        var by = command.DecidedBy is { } person ? $"by {person}" : "by the deadline";
        var counts = FormattableString.Invariant($"canary {canaryRequests} requests, production {productionRequests}");
        var resolved = new ModelFact(new CanaryHoldResolved(command.Version, CanaryDecisionRules.Name(command.Decision), command.DecidedBy, command.Reason,
            canaryRequests, productionRequests, command.Signature), keys.HoldResolved);
        if (command.Decision == CanaryDecisionKind.Promote)
        {
            return ModelDecision.Record(
                new DeploymentOutcome(true, $"held canary promoted {by}: {command.Reason} ({counts})", production, canaryRequests, productionRequests),
                resolved, new ModelFact(new ModelPromoted(command.Version, Production), keys.Promoted));
        }

        var reason = $"held canary rolled back {by}: {command.Reason} ({counts})";
        return ModelDecision.Record(new DeploymentOutcome(false, reason, null, canaryRequests, productionRequests),
            resolved, new ModelFact(new ModelRolledBack(command.Version, production ?? 0, Production, reason), keys.RolledBack));
    }

    /// <summary>The waived checks of a promoted canary, so the recorded outcome says what was not required.</summary>
    private static string Waived(CanaryVerdict verdict) =>
        (verdict.Checks ?? []).Where(c => c.Outcome == CheckOutcome.Waived).Select(c => $"{c.Check} waived: {c.Waiver}").ToList() is { Count: > 0 } waived
            ? " (" + string.Join("; ", waived) + ")"
            : "";

    /// <summary>Records <paramref name="fact"/> under <paramref name="key"/> unless an entry with that key is already recorded.</summary>
    private static ModelDecision<Recorded> Once(ModelState state, object fact, string key) =>
        state.Recorded(key) is not null ? ModelDecision.Done<Recorded>(default) : ModelDecision.Record<Recorded>(default, new ModelFact(fact, key));

    private static ModelDecision<T>? Unregistered<T>(ModelState state) =>
        state.Exists ? null : ModelDecision.Refuse<T>($"No model '{state.Model}' is registered.", notFound: true);

    /// <summary>The last production version before <paramref name="current"/> that is not decommissioned.</summary>
    private static int? PreviousProduction(ModelState state, int current)
    {
        int? previous = null;
        for (var i = 1; i <= state.Entries.Count; i++)
        {
            if (state.ProductionAfter(i) is { } p && p != current && state.Find(p)?.Status != ModelVersionStatus.Decommissioned)
            {
                previous = p;
            }
        }

        return previous;
    }
}

/// <summary>The idempotency keys of one run's deployment of one version (stable across attempts and invocations).</summary>
public sealed record CanaryKeys(string RunId, int Version)
{
    public string Approved => $"deploy/{RunId}/v{Version}/approved";

    public string Canary => $"deploy/{RunId}/v{Version}/canary";

    public string Promoted => $"deploy/{RunId}/v{Version}/promoted";

    public string RolledBack => $"deploy/{RunId}/v{Version}/rolled-back";

    public string Held => $"deploy/{RunId}/v{Version}/held";

    public string HoldResolved => $"deploy/{RunId}/v{Version}/hold-resolved";

    public string WithoutComparison => $"deploy/{RunId}/v{Version}/without-canary-comparison";
}
