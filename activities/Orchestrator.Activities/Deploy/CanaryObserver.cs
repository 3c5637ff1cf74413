using Orchestrator.Ml.Monitoring;
using Orchestrator.Operations.Serving;
using Orchestrator.Workflows.Deploy;

namespace Orchestrator.Activities.Deploy;

/// <summary>Reads a canary's and production's traffic since the canary started from the prediction log.</summary>
public sealed class CanaryObserver(PredictionLog log)
{
    /// <summary>The observation of canary <paramref name="canary"/> against <paramref name="production"/> in [from, to).</summary>
    public async Task<CanaryObservation> ObserveAsync(string model, int canary, int? production, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var c = await log.HealthAsync(model, canary, from, to, cancellationToken).ConfigureAwait(false);
        if (production is not { } p)
        {
            return new CanaryObservation(c.Requests, c.Errors, c.P95LatencyMs, 0, 0, null, HasProduction: false);
        }

        var prod = await log.HealthAsync(model, p, from, to, cancellationToken).ConfigureAwait(false);
        var (psi, pValue) = Shift(prod.ClassCounts, c.ClassCounts);
        return new CanaryObservation(c.Requests, c.Errors, c.P95LatencyMs, prod.Requests, prod.P95LatencyMs, psi, pValue, HasProduction: true);
    }

    /// <summary>
    /// PSI of the canary's predicted classes against production's, over the union of classes seen, and the
    /// chi-square p-value of the same counts; nulls when either side has no successful prediction.
    /// </summary>
    public static (double? Psi, double? PValue) Shift(IReadOnlyDictionary<string, int> production, IReadOnlyDictionary<string, int> canary)
    {
        ArgumentNullException.ThrowIfNull(production);
        ArgumentNullException.ThrowIfNull(canary);
        var classes = production.Keys.Union(canary.Keys).Order(StringComparer.Ordinal).ToArray();
        var (psi, pValue) = DriftStatistics.Shift(
            [.. classes.Select(k => (double)production.GetValueOrDefault(k))],
            [.. classes.Select(k => (double)canary.GetValueOrDefault(k))]);
        return double.IsNaN(psi) ? (null, null) : (psi, pValue);
    }
}
