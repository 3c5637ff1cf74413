using Orchestrator.Activities.Common;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Deploy;
using Temporalio.Activities;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Deploy;

/// <summary>
/// Deploys an approved version as the production alias's canary, watches it for the policy's window and
/// promotes or rolls it back. Each alias change is a model-stream event caused by the ModelVersionApproved
/// entry, which references the confirmed ApprovalSigned entries. Keys are per run and version, so a retry
/// or a second invocation never records a change twice; the window starts at the recorded canary entry,
/// so a retry after a worker crash resumes the same window instead of starting a new one.
/// </summary>
public sealed class CanaryActivities(StageAudit audit, CanaryObserver observer, TimeProvider time)
{
    /// <summary>How often the canary's figures are read (bounded by the window).</summary>
    public static readonly TimeSpan MaxPollInterval = TimeSpan.FromSeconds(5);

    [Activity(DeployActivities.DeployName)]
    public async Task<DeploymentOutcome> DeployAsync(DeployActivities.DeployInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var token = ActivityExecutionContext.Current.CancellationToken;
        var version = input.Version;
        var stream = AuditStreams.Model(version.ModelName);
        var keys = new Keys(input.RunId, version.Version);
        var entries = await ModelHistory.ReadAllAsync(audit.Ledger, stream, token).ConfigureAwait(false);
        if (Decided(entries, keys) is { } decided)
        {
            return decided;
        }

        if (!entries.Any(e => e.Data is ModelExported x && x.Version == version.Version && x.RunId == input.RunId && x.OnnxDigest == version.OnnxDigest))
        {
            throw new ApplicationFailureException($"Model {version.ModelName} v{version.Version} was not registered by run {input.RunId} with ONNX {version.OnnxDigest}.", "NotFound", nonRetryable: true);
        }

        var approved = entries.FirstOrDefault(e => e.IdempotencyKey == keys.Approved)
            ?? await RecordApprovalAsync(input, stream, keys, token).ConfigureAwait(false);
        var causation = $"ledger:{approved.StreamId}@{approved.Version}#{approved.Hash}";
        var production = ModelHistory.ProductionAfter(entries);
        var canary = entries.FirstOrDefault(e => e.IdempotencyKey == keys.Canary)
            ?? await audit.Ledger.AppendAsync(stream, new ModelDeployed(version.Version, Aliases.Production, input.Canary.TrafficShare),
                audit.Context(input.RunId, causation: causation), keys.Canary, token).ConfigureAwait(false);

        var verdict = await WatchAsync(input, production, canary.RecordedAt, token).ConfigureAwait(false);
        var latest = await ModelHistory.ReadAllAsync(audit.Ledger, stream, token).ConfigureAwait(false);
        if (latest.Skip(canary.Version > 0 ? (int)canary.Version : 0).Any(e => e.Data is ModelRolledBack r && r.FromVersion == version.Version))
        {
            // An approver rolled the canary back by hand during the window: nothing left to decide.
            return new DeploymentOutcome(false, "canary rolled back by hand during the observation window", null);
        }

        if (verdict.Healthy)
        {
            await audit.Ledger.AppendAsync(stream, new ModelPromoted(version.Version, Aliases.Production),
                audit.Context(input.RunId, causation: causation), keys.Promoted, token).ConfigureAwait(false);
            return new DeploymentOutcome(true, "canary healthy: " + verdict.Summary, production);
        }

        var reason = string.Join("; ", verdict.Reasons) + " (" + verdict.Summary + ")";
        await audit.Ledger.AppendAsync(stream, new ModelRolledBack(version.Version, production ?? 0, Aliases.Production, reason),
            audit.Context(input.RunId, causation: causation), keys.RolledBack, token).ConfigureAwait(false);
        return new DeploymentOutcome(false, reason, null);
    }

    /// <summary>Polls the canary's health until the window ends, heartbeating the figures; stops early when it is unhealthy.</summary>
    private async Task<CanaryVerdict> WatchAsync(DeployActivities.DeployInput input, int? production, DateTimeOffset start, CancellationToken token)
    {
        var end = start + input.Canary.Window;
        var poll = TimeSpan.FromTicks(Math.Clamp(input.Canary.Window.Ticks / 20, TimeSpan.FromMilliseconds(100).Ticks, MaxPollInterval.Ticks));
        while (true)
        {
            var now = time.GetUtcNow();
            var observation = await observer.ObserveAsync(input.Version.ModelName, input.Version.Version, production, start, now, token).ConfigureAwait(false);
            ActivityExecutionContext.Current.Heartbeat(observation);
            var verdict = CanaryHealth.Decide(observation, input.Canary);
            if (!verdict.Healthy || now >= end)
            {
                return verdict;
            }

            var wait = end - now < poll ? end - now : poll;
            await Task.Delay(wait, time, token).ConfigureAwait(false);
        }
    }

    /// <summary>Confirms every referenced ApprovalSigned entry and records the approval on the model's stream.</summary>
    private async Task<LedgerEntry> RecordApprovalAsync(DeployActivities.DeployInput input, string stream, Keys keys, CancellationToken token)
    {
        if (input.Approvals.Count == 0)
        {
            throw new ApplicationFailureException($"Refusing to deploy {input.Version.ModelName} v{input.Version.Version}: no approval.", "PolicyViolation", nonRetryable: true);
        }

        var signatures = new List<(LedgerReference Reference, ApprovalSigned Signed)>();
        foreach (var approval in input.Approvals)
        {
            var reference = new LedgerReference(approval.StreamId, approval.Version, approval.EventHash);
            var check = await audit.Ledger.ConfirmAsync(reference, token).ConfigureAwait(false);
            if (reference.StreamId != AuditStreams.Run(input.RunId) || check is not { IsConfirmed: true, Entry.Data: ApprovalSigned signed }
                || signed.Decision != Audit.Events.ApprovalDecision.Approve)
            {
                throw new ApplicationFailureException(
                    $"Approval {approval.StreamId}@{approval.Version} is not a confirmed approving signature of run {input.RunId} ({check.Status}).", "IntegrityViolation", nonRetryable: true);
            }

            signatures.Add((reference, signed));
        }

        var fact = new ModelVersionApproved(input.Version.Version, input.RunId, [.. signatures.Select(s => s.Signed.Approver).Distinct()],
            signatures[0].Signed.EvidenceDigest, [.. signatures.Select(s => s.Reference)]);
        return await audit.Ledger.AppendAsync(stream, fact, audit.Context(input.RunId, causation: $"ledger:{signatures[0].Reference.StreamId}@{signatures[0].Reference.Version}"),
            keys.Approved, token).ConfigureAwait(false);
    }

    /// <summary>The outcome already recorded by an earlier invocation, or null.</summary>
    private static DeploymentOutcome? Decided(IReadOnlyList<LedgerEntry> entries, Keys keys)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].IdempotencyKey == keys.Promoted)
            {
                return new DeploymentOutcome(true, $"canary promoted at {entries[i].RecordedAt:O}", ModelHistory.ProductionAfter(entries.Take(i)));
            }

            if (entries[i].IdempotencyKey == keys.RolledBack && entries[i].Data is ModelRolledBack rolledBack)
            {
                return new DeploymentOutcome(false, rolledBack.Reason, null);
            }
        }

        return null;
    }

    private sealed record Keys(string RunId, int Version)
    {
        public string Approved => $"deploy/{RunId}/v{Version}/approved";

        public string Canary => $"deploy/{RunId}/v{Version}/canary";

        public string Promoted => $"deploy/{RunId}/v{Version}/promoted";

        public string RolledBack => $"deploy/{RunId}/v{Version}/rolled-back";
    }
}
