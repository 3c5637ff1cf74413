using Orchestrator.Activities.Common;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Ledger;
using Orchestrator.Ml.Monitoring;
using Orchestrator.Operations.Models;
using Orchestrator.Operations.Serving;
using Orchestrator.Workflows.Monitor;
using Temporalio.Activities;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Monitor;

/// <summary>
/// The monitor's health check of one production version over a closed window: the logged predictions and
/// feedback compared with the version's training reference (<see cref="HealthComparison"/>), recorded on the
/// model's stream as one DriftMeasured per statistic and one DriftDetected per breach, keyed by the caller's
/// idempotency key and the window start, so a retried or repeated check records nothing twice. Under an
/// emergency stop it measures nothing: the stop itself is already on the stream.
/// </summary>
public sealed class MeasureActivities(PredictionLog log, MeasureReferenceCache references, StageAudit audit) : IMeasureActivities
{
    /// <summary>Enough to judge any window the policy allows; more only costs memory.</summary>
    private const int MaxSamples = 20_000;

    public async Task<HealthReport> MeasureAsync(IMeasureActivities.Input input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.To <= input.From || string.IsNullOrWhiteSpace(input.IdempotencyKey))
        {
            throw new ApplicationFailureException($"A health check needs a window with To after From and an idempotency key (got {input.From:O}..{input.To:O}).",
                "InvalidInput", nonRetryable: true);
        }

        var cancellationToken = ActivityExecutionContext.Current.CancellationToken;
        var state = await ModelState.LoadAsync(audit.Ledger, input.Model, cancellationToken).ConfigureAwait(false);
        if (state.Find(input.Version) is null)
        {
            throw new ApplicationFailureException($"Model '{input.Model}' has no version {input.Version}.", "NotFound", nonRetryable: true);
        }

        if (state.Registry.Stopped)
        {
            return new HealthReport(input.Model, input.Version, 0, 0, [], ServingStopped: true);
        }

        var trainingReference = state.TrainingReference(input.Version);
        var reference = trainingReference is { } r ? await references.GetAsync(r.Sha256, cancellationToken).ConfigureAwait(false) : null;
        var health = await log.HealthAsync(input.Model, input.Version, input.From, input.To, cancellationToken).ConfigureAwait(false);
        var samples = await log.SamplesAsync(input.Model, input.Version, input.From, input.To, MaxSamples, cancellationToken).ConfigureAwait(false);
        // Labelled feedback accumulates over its own window until the policy's minimum is in (ModelMonitorWorkflow).
        var feedback = await log.AccuracyAsync(input.Model, input.Version, input.FeedbackFrom ?? input.From, input.To, cancellationToken).ConfigureAwait(false);
        ActivityExecutionContext.Current.Heartbeat("measured");

        var window = new ObservedWindow(health.Requests, health.Errors, health.P95LatencyMs, [.. samples.Select(s => s.Confidence)],
            [.. samples.Select(s => s.ChannelMeans)], health.ClassCounts, feedback.Labelled, feedback.Correct);
        var t = input.Terms;
        var measured = HealthComparison.Compare(reference, window, new HealthLimits(t.MinSamples, t.MaxPsi, t.KsAlpha, t.MinOnlineAccuracy, t.MinFeedback, t.MaxErrorRate, t.ShiftSignificance));
        await RecordAsync(input, trainingReference, health.Requests, measured, cancellationToken).ConfigureAwait(false);
        await RecordNotJudgedAsync(input, health.Requests, feedback.Labelled, cancellationToken).ConfigureAwait(false);
        return new HealthReport(input.Model, input.Version, health.Requests, feedback.Labelled,
            [.. measured.Select(m => new DriftStatistic(m.Name, m.Value, m.Threshold, m.Breached, m.PValue))], ServingStopped: false);
    }

    private async Task RecordAsync(IMeasureActivities.Input input, EvidenceDigest? reference, int samples, IReadOnlyList<MeasuredStatistic> measured,
        CancellationToken cancellationToken)
    {
        var stream = AuditStreams.Model(input.Model);
        // The window start is part of the key: a caller that reuses a key for a later window (a monitor
        // restarted under the same workflow id counts its checks from 1 again) still gets its check recorded.
        var key = $"{input.IdempotencyKey}@{input.From.UtcTicks}";
        var context = audit.Context($"monitor/{input.Model}",
            [StageAudit.Evidence("policy", input.PolicyDigest, null), .. reference is null ? Array.Empty<EvidenceDigest>() : [reference]]);
        foreach (var m in measured)
        {
            await AppendOnceAsync(stream, new DriftMeasured(input.Version, m.Name, m.Value, m.Threshold, samples, m.PValue), context,
                $"{key}/measured/{m.Name}", cancellationToken).ConfigureAwait(false);
        }

        foreach (var m in measured.Where(m => m.Breached))
        {
            await AppendOnceAsync(stream, new DriftDetected(input.Version, m.Name, m.Value, m.Threshold), context,
                $"{key}/detected/{m.Name}", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// When the version has gone unjudged (too few predictions) for longer than the policy allows, records ModelNotJudged once for that
    /// unjudged period (the key names the period's start), so silence is on the record rather than read as health.
    /// </summary>
    private async Task RecordNotJudgedAsync(IMeasureActivities.Input input, int samples, int feedback, CancellationToken cancellationToken)
    {
        if (input.UnjudgedSince is not { } since || samples >= input.Terms.MinSamples || input.To - since <= input.Terms.UnjudgedLimit)
        {
            return;
        }

        var context = audit.Context($"monitor/{input.Model}", [StageAudit.Evidence("policy", input.PolicyDigest, null)]);
        await AppendOnceAsync(AuditStreams.Model(input.Model), new ModelNotJudged(input.Version, since, samples, input.Terms.MinSamples, feedback, input.Terms.MinFeedback),
            context, $"monitor/{input.Model}/v{input.Version}/not-judged@{since.UtcTicks}", cancellationToken).ConfigureAwait(false);
    }

    private async Task AppendOnceAsync(string stream, object fact, AuditContext context, string key, CancellationToken cancellationToken)
    {
        try
        {
            await audit.Ledger.AppendAsync(stream, fact, context, key, cancellationToken).ConfigureAwait(false);
        }
        catch (IdempotencyConflictException)
        {
            // A repeat of this check saw a window that had changed since (late feedback relabelled a row):
            // the first measurement recorded under the key stands, as the exactly-once contract says.
        }
    }
}
