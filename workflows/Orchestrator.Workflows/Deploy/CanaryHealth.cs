using System.Globalization;
using Orchestrator.Workflows.Policies;

namespace Orchestrator.Workflows.Deploy;

/// <summary>What was observed of a canary and of production over the same window.</summary>
/// <param name="Requests">Canary predictions.</param>
/// <param name="Errors">Failed canary predictions.</param>
/// <param name="P95LatencyMs">Canary p95 latency.</param>
/// <param name="ProductionRequests">Production predictions (0 when there is no production version).</param>
/// <param name="ProductionP95LatencyMs">Production p95 latency.</param>
/// <param name="DistributionShift">PSI of the canary's predicted classes against production's; null when not measurable.</param>
/// <param name="ShiftPValue">Chi-square p-value of the same class counts: the chance that sampling noise alone shifts them this much (null: not measured; PSI is judged alone).</param>
public sealed record CanaryObservation(int Requests, int Errors, double P95LatencyMs, int ProductionRequests, double ProductionP95LatencyMs, double? DistributionShift, double? ShiftPValue = null);

/// <summary>The canary verdict: healthy or not, and the figures it rests on (one readable line each).</summary>
public sealed record CanaryVerdict(bool Healthy, IReadOnlyList<string> Reasons, string Summary);

/// <summary>The pure canary health decision under a <see cref="CanaryPolicy"/>.</summary>
public static class CanaryHealth
{
    /// <summary>
    /// Errors are judged on any traffic (a failing canary is rolled back even with few requests); error
    /// rate, latency and distribution shift only once <see cref="CanaryPolicy.MinRequests"/> were seen,
    /// so a handful of requests cannot promote or roll back on noise. A distribution shift must be both large
    /// (PSI above the limit) and real (its p-value below <see cref="CanaryPolicy.ShiftSignificance"/>): with
    /// a few dozen requests per side PSI alone exceeds 0.25 by chance often enough to roll back good versions.
    /// Likewise a latency regression must be both relative (above the ratio) and absolute (at least
    /// <see cref="CanaryPolicy.MinLatencyIncreaseMs"/> slower).
    /// </summary>
    public static CanaryVerdict Decide(CanaryObservation o, CanaryPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(policy);
        var reasons = new List<string>();
        var errorRate = o.Requests == 0 ? 0 : (double)o.Errors / o.Requests;
        var judged = o.Requests >= policy.MinRequests;
        if (o.Errors > 0 && (judged ? errorRate > policy.MaxErrorRate : o.Errors >= Math.Max(1, policy.MinRequests * policy.MaxErrorRate)))
        {
            reasons.Add(Format($"canary error rate {errorRate * 100:F1}% ({o.Errors}/{o.Requests}) exceeds {policy.MaxErrorRate * 100:F1}%"));
        }

        if (judged && o.ProductionRequests >= policy.MinRequests && o.ProductionP95LatencyMs > 0
            && o.P95LatencyMs > policy.MaxLatencyRatio * o.ProductionP95LatencyMs && o.P95LatencyMs - o.ProductionP95LatencyMs >= policy.MinLatencyIncreaseMs)
        {
            reasons.Add(Format($"canary p95 latency {o.P95LatencyMs:F1} ms exceeds {policy.MaxLatencyRatio:F1}x production's {o.ProductionP95LatencyMs:F1} ms (and by at least {policy.MinLatencyIncreaseMs:F1} ms)"));
        }

        if (judged && o.ProductionRequests >= policy.MinRequests && o.DistributionShift is { } psi && psi > policy.MaxDistributionShift
            && (o.ShiftPValue is not { } p || p < policy.ShiftSignificance))
        {
            reasons.Add(Format($"prediction distribution shift PSI {psi:F3} against production exceeds {policy.MaxDistributionShift:F3}")
                + (o.ShiftPValue is { } significance ? Format($" (chi-square p {significance:G3} < {policy.ShiftSignificance:G3})") : ""));
        }

        var summary = Format($"canary {o.Requests} requests, {o.Errors} errors, p95 {o.P95LatencyMs:F1} ms; production {o.ProductionRequests} requests, p95 {o.ProductionP95LatencyMs:F1} ms; shift PSI {(o.DistributionShift is { } s ? s.ToString("F3", CultureInfo.InvariantCulture) : "n/a")}")
            + (o.ShiftPValue is { } pValue ? Format($" (p {pValue:G3})") : "")
            + (judged ? "" : Format($" (below {policy.MinRequests} requests: judged on errors only)"));
        return new CanaryVerdict(reasons.Count == 0, reasons, summary);
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
