using Orchestrator.Activities.Common;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Operations.Models;
using Orchestrator.Workflows.Deploy;
using Temporalio.Activities;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Deploy;

/// <summary>
/// Deploys an approved version as the production alias's canary, watches it for the policy's window and
/// promotes or rolls it back; every step is decided by <see cref="ModelDecider"/> on the model's stream. Each
/// alias change is a model-stream event caused by the ModelVersionApproved entry, which references the confirmed
/// ApprovalSigned entries. Keys are per run and version (<see cref="CanaryKeys"/>), so a retry or a second
/// invocation never records a change twice; the window starts at the recorded canary entry, so a retry after a
/// worker crash resumes the same window instead of starting a new one.
/// </summary>
public sealed class DeployActivities(ModelOperations models, StageAudit audit, CanaryObserver observer, TimeProvider time) : IDeployActivities
{
    /// <summary>How often the canary's figures are read (bounded by the window).</summary>
    public static readonly TimeSpan MaxPollInterval = TimeSpan.FromSeconds(5);

    public async Task<DeploymentOutcome> DeployAsync(IDeployActivities.Input input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var token = ActivityExecutionContext.Current.CancellationToken;
        var version = input.Version;
        var keys = new CanaryKeys(input.RunId, version.Version);
        var state = await models.LoadAsync(version.ModelName, token).ConfigureAwait(false);
        var check = ModelDecider.Decide(state, new CheckDeployment(input.RunId, version.Version, version.OnnxDigest), time.GetUtcNow());
        if (check.Refusal is { } refusal)
        {
            throw new ApplicationFailureException(refusal.Message, "NotFound", nonRetryable: true);
        }

        if (check.Outcome is { } decided)
        {
            return decided;
        }

        // Confirmed before the canary starts: an acceptance that is not what it claims stops the deployment with nothing changed.
        var noComparison = input.NoCanaryComparison is { } acceptance ? await ConfirmAcceptanceAsync(input, acceptance, token).ConfigureAwait(false) : null;
        var approved = state.Recorded(keys.Approved) ?? await RecordApprovalAsync(input, state, token).ConfigureAwait(false);
        var causation = $"ledger:{approved.StreamId}@{approved.Version}#{approved.Hash}";
        var production = state.Production;
        var canary = state.Recorded(keys.Canary) ?? (await models.RecordAsync(state,
            ModelDecider.Decide(state, new StartCanary(input.RunId, version.Version, input.Canary.TrafficShare), time.GetUtcNow()),
            audit.Context(input.RunId, causation: causation), token).ConfigureAwait(false)).Entries.Single();

        var (verdict, observed, end) = await WatchAsync(input, production, canary.RecordedAt, token).ConfigureAwait(false);
        var latest = await models.LoadAsync(version.ModelName, token).ConfigureAwait(false);
        var judgement = ModelDecider.Decide(latest,
            new JudgeCanary(input.RunId, version.Version, canary.Version, production, verdict, end, input.Canary.OnInsufficientEvidence, observed, input.Canary.MinRequests,
                noComparison),
            time.GetUtcNow());
        return (await models.RecordAsync(latest, judgement, audit.Context(input.RunId, causation: causation), token).ConfigureAwait(false)).Outcome;
    }

    /// <summary>
    /// Polls the canary's health until the window ends, heartbeating the figures; stops early when it is unhealthy. When the
    /// window ends with too little traffic to judge, it is extended up to the policy's <c>MaxExtension</c>
    /// and ends as soon as enough traffic was seen; returns the last verdict, its observation and when the watch ended.
    /// </summary>
    private async Task<(CanaryVerdict Verdict, CanaryObservation Observed, DateTimeOffset End)> WatchAsync(
        IDeployActivities.Input input, int? production, DateTimeOffset start, CancellationToken token)
    {
        var end = start + input.Canary.Window;
        var latest = end + (input.Canary.MaxExtension is { } extension && extension > TimeSpan.Zero ? extension : TimeSpan.Zero);
        var poll = TimeSpan.FromTicks(Math.Clamp(input.Canary.Window.Ticks / 20, TimeSpan.FromMilliseconds(100).Ticks, MaxPollInterval.Ticks));
        while (true)
        {
            var now = time.GetUtcNow();
            var observation = await observer.ObserveAsync(input.Version.ModelName, input.Version.Version, production, start, now, token).ConfigureAwait(false);
            ActivityExecutionContext.Current.Heartbeat(observation);
            var verdict = CanaryHealth.Decide(observation, input.Canary, input.Waivers);
            if (!verdict.Healthy || (now >= end && verdict.Promotable) || now >= latest)
            {
                return (verdict, observation, now >= end ? now : end);
            }

            var until = now < end ? end : latest;
            var wait = until - now < poll ? until - now : poll;
            await Task.Delay(wait, time, token).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Confirms each NoCanaryComparisonAccepted entry the workflow passed (ADR 0044): in the run's stream, written by the approver it
    /// names, going with one of the approving signatures, and covering every one of them; anything else is an integrity violation.
    /// </summary>
    private async Task<NoCanaryComparisonAcceptance> ConfirmAcceptanceAsync(IDeployActivities.Input input, NoCanaryComparisonAcceptance acceptance, CancellationToken token)
    {
        var approvals = input.Approvals.Select(a => new LedgerReference(a.StreamId, a.Version, a.EventHash)).ToHashSet();
        var covered = new HashSet<LedgerReference>();
        var approvers = new List<string>();
        foreach (var entry in acceptance.Entries)
        {
            var reference = new LedgerReference(entry.StreamId, entry.Version, entry.EventHash);
            var check = await audit.Ledger.ConfirmAsync(reference, token).ConfigureAwait(false);
            if (reference.StreamId != AuditStreams.Run(input.RunId) || check is not { IsConfirmed: true, Entry: { Data: NoCanaryComparisonAccepted accepted } written }
                || written.Context.Actor.Kind != ActorKind.User || written.Context.Actor.Id != accepted.Approver || !approvals.Contains(accepted.Approval))
            {
                throw new ApplicationFailureException(
                    $"Acceptance {entry.StreamId}@{entry.Version} is not a confirmed NoCanaryComparisonAccepted entry of run {input.RunId} going with one of its approvals ({check.Status}).",
                    "IntegrityViolation", nonRetryable: true);
            }

            covered.Add(accepted.Approval);
            approvers.Add(accepted.Approver);
        }

        if (!covered.SetEquals(approvals))
        {
            throw new ApplicationFailureException(
                $"Run {input.RunId}: not every approval of v{input.Version.Version} accepted deploying without a canary comparison.", "IntegrityViolation", nonRetryable: true);
        }

        return acceptance with { AcceptedBy = [.. approvers.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal)] };
    }

    /// <summary>Confirms every referenced ApprovalSigned entry and records the approval on the model's stream.</summary>
    private async Task<LedgerEntry> RecordApprovalAsync(IDeployActivities.Input input, ModelState state, CancellationToken token)
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

        var approve = new ApproveVersion(input.RunId, input.Version.Version, [.. signatures.Select(s => s.Signed.Approver).Distinct()],
            signatures[0].Signed.EvidenceDigest, [.. signatures.Select(s => s.Reference)]);
        var context = audit.Context(input.RunId, causation: $"ledger:{signatures[0].Reference.StreamId}@{signatures[0].Reference.Version}");
        return (await models.RecordAsync(state, ModelDecider.Decide(state, approve, time.GetUtcNow()), context, token).ConfigureAwait(false)).Entries.Single();
    }
}
