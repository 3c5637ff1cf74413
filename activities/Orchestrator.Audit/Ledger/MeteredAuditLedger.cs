using System.Diagnostics.Metrics;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Events.Runs;

namespace Orchestrator.Audit.Ledger;

/// <summary>
/// The ledger with OpenTelemetry meters on the facts operators watch, taken from what is recorded, so a
/// dashboard can never show a gate outcome or a drift score the audit trail does not hold (meter "Orchestrator"):
/// <list type="bullet">
/// <item><c>orchestrator.gates</c> (counter): gate outcomes by <c>gate</c> (quality-control, evaluation, canary) and <c>outcome</c>
/// (passed, failed; promoted, rolled-back for the canary, which the service decides).</item>
/// <item><c>orchestrator.drift.score</c> (histogram): every measured monitoring statistic by <c>model</c> and <c>statistic</c>.</item>
/// <item><c>orchestrator.drift.detections</c> (counter): breached statistics by <c>model</c> and <c>statistic</c>.</item>
/// </list>
/// A retried append that finds its fact already recorded is counted again; counters are at least once.
/// </summary>
public sealed class MeteredAuditLedger : IAuditLedger
{
    /// <summary>The meter's name, shared with the API's own meters.</summary>
    public const string MeterName = "Orchestrator";

    private const string ModelStreamPrefix = "model-";

    private readonly IAuditLedger _inner;
    private readonly Counter<long> _gates;
    private readonly Histogram<double> _driftScores;
    private readonly Counter<long> _detections;
    private readonly Counter<long> _notJudged;

    public MeteredAuditLedger(IAuditLedger inner, IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(meters);
        _inner = inner;
        var meter = meters.Create(MeterName);
        _gates = meter.CreateCounter<long>("orchestrator.gates", "{outcome}", "Gate outcomes (quality control, evaluation, canary) as recorded in the ledger.");
        _driftScores = meter.CreateHistogram<double>("orchestrator.drift.score", "1", "Monitoring statistics (PSI, KS, online accuracy, error rate, latency) as measured.");
        _detections = meter.CreateCounter<long>("orchestrator.drift.detections", "{detection}", "Monitoring statistics beyond the policy.");
        _notJudged = meter.CreateCounter<long>("orchestrator.monitor.not_judged", "{period}", "Production versions recorded as unjudged: too little traffic for longer than the policy allows.");
    }

    /// <inheritdoc />
    public async Task<LedgerEntry> AppendAsync(string streamId, object fact, AuditContext context, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        var entry = await _inner.AppendAsync(streamId, fact, context, idempotencyKey, cancellationToken).ConfigureAwait(false);
        Observe(streamId, fact, context);
        return entry;
    }

    /// <inheritdoc />
    public Task<ReferenceCheck> ConfirmAsync(LedgerReference reference, CancellationToken cancellationToken = default) => _inner.ConfirmAsync(reference, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<LedgerEntry>> ReadStreamAsync(string streamId, long fromVersion = 1, int maxCount = 100, CancellationToken cancellationToken = default) =>
        _inner.ReadStreamAsync(streamId, fromVersion, maxCount, cancellationToken);

    private void Observe(string streamId, object fact, AuditContext context)
    {
        var byService = context.Actor.Kind == ActorKind.Service;
        switch (fact)
        {
            case QualityEvaluated qc:
                Gate("quality-control", Outcome(qc.Verdict));
                break;
            case ModelEvaluated evaluated:
                Gate("evaluation", Outcome(evaluated.Verdict));
                break;
            case ModelPromoted when byService:
                Gate("canary", "promoted");
                break;
            case ModelRolledBack when byService:
                Gate("canary", "rolled-back");
                break;
            case CanaryHeld:
                Gate("canary", "held");
                break;
            case ModelNotJudged notJudged:
                _notJudged.Add(1, new KeyValuePair<string, object?>("model", Model(streamId)), new("version", notJudged.Version));
                break;
            case DriftMeasured measured:
                _driftScores.Record(measured.Value, new KeyValuePair<string, object?>("model", Model(streamId)), new("statistic", measured.Statistic));
                break;
            case DriftDetected detected:
                _detections.Add(1, new KeyValuePair<string, object?>("model", Model(streamId)), new("statistic", detected.Statistic));
                break;
            default:
                break;
        }
    }

    private void Gate(string gate, string outcome) => _gates.Add(1, new KeyValuePair<string, object?>("gate", gate), new("outcome", outcome));

    private static string Outcome(GateVerdict verdict) => verdict == GateVerdict.Passed ? "passed" : "failed";

    private static string Model(string streamId) => streamId.StartsWith(ModelStreamPrefix, StringComparison.Ordinal) ? streamId[ModelStreamPrefix.Length..] : streamId;
}
