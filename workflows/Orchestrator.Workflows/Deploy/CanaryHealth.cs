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
/// <param name="HasProduction">Whether a production version serves beside the canary (null: observations from before it was recorded; taken as "production served requests").</param>
public sealed record CanaryObservation(
    int Requests, int Errors, double P95LatencyMs, int ProductionRequests, double ProductionP95LatencyMs, double? DistributionShift, double? ShiftPValue = null, bool? HasProduction = null)
{
    /// <summary>Whether the canary is compared against a production version (false: a first deployment).</summary>
    public bool Compared => HasProduction ?? ProductionRequests > 0;
}

/// <summary>The canary verdict: healthy or not, whether there was enough traffic to judge, and the figures it rests on.</summary>
/// <param name="Healthy">False when a check failed (the canary is rolled back at once).</param>
/// <param name="Reasons">The failed and unmeasured checks, one readable line each.</param>
/// <param name="Summary">The counts and figures of both sides.</param>
/// <param name="Checks">Every check with its outcome (null: verdicts from before outcomes were recorded).</param>
public sealed record CanaryVerdict(bool Healthy, IReadOnlyList<string> Reasons, string Summary, IReadOnlyList<GateCheck>? Checks = null)
{
    /// <summary>Healthy and every check passed or waived: only such a canary may be promoted when its window ends.</summary>
    public bool Promotable => Healthy && (Checks ?? []).All(c => c.Outcome.Allows());

    /// <summary>Healthy, but some check was not measured (too little traffic): the policy's <see cref="CanaryPolicy.OnInsufficientEvidence"/> applies.</summary>
    public bool InsufficientEvidence => Healthy && !Promotable;
}

/// <summary>The pure canary health decision under a <see cref="CanaryPolicy"/>.</summary>
public static class CanaryHealth
{
    /// <summary>The policy section the checks belong to (the prefix of their waivers).</summary>
    public const string Section = "canary";

    /// <summary>
    /// Errors are judged on any traffic (a failing canary is rolled back even with few requests); error
    /// rate, latency and distribution shift only once <see cref="CanaryPolicy.MinRequests"/> were seen,
    /// so a handful of requests cannot promote or roll back on noise. Below that minimum, on the canary or (when a
    /// production version serves) on production, the checks are not measured and the canary cannot be promoted:
    /// silence is not health ("min-traffic"). A distribution shift must be both large (PSI above the limit) and real
    /// (its p-value below <see cref="CanaryPolicy.ShiftSignificance"/>): with a few dozen requests per side PSI alone
    /// exceeds 0.25 by chance often enough to roll back good versions. Likewise a latency regression must be both
    /// relative (above the ratio) and absolute (at least <see cref="CanaryPolicy.MinLatencyIncreaseMs"/> slower).
    /// A first deployment has no production to compare latency and shift against: it is judged on traffic and errors.
    /// </summary>
    public static CanaryVerdict Decide(CanaryObservation o, CanaryPolicy policy, IReadOnlyList<PolicyWaiver>? waivers = null)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(policy);
        var checks = new List<GateCheck>();
        void Add(string check, CheckOutcome outcome, string detail) => checks.Add(GateCheck.Of(Section, check, outcome, detail, waivers));

        var errorRate = o.Requests == 0 ? 0 : (double)o.Errors / o.Requests;
        var judged = o.Requests >= policy.MinRequests;
        var productionJudged = !o.Compared || o.ProductionRequests >= policy.MinRequests;
        var traffic = Format($"canary {o.Requests} of {policy.MinRequests} requests needed")
            + (o.Compared ? Format($", production {o.ProductionRequests} of {policy.MinRequests}") : ", no production version (first deployment)");
        Add("min-traffic", judged && productionJudged ? CheckOutcome.Passed : CheckOutcome.NotMeasured,
            judged && productionJudged ? $"enough traffic to judge: {traffic}" : $"too little traffic to judge the canary: {traffic}");

        var errorsBreached = o.Errors > 0 && (judged ? errorRate > policy.MaxErrorRate : o.Errors >= Math.Max(1, policy.MinRequests * policy.MaxErrorRate));
        var errors = Format($"canary error rate {errorRate * 100:F1}% ({o.Errors}/{o.Requests})");
        Add("error-rate", errorsBreached ? CheckOutcome.Failed : judged ? CheckOutcome.Passed : CheckOutcome.NotMeasured,
            errorsBreached ? errors + Format($" exceeds {policy.MaxErrorRate * 100:F1}%")
            : judged ? errors + Format($" within {policy.MaxErrorRate * 100:F1}%") : errors + " not judged below the traffic minimum");

        if (o.Compared)
        {
            var compared = judged && productionJudged;
            var latencyMeasured = compared && o.ProductionP95LatencyMs > 0;
            var latencyBreached = latencyMeasured && o.P95LatencyMs > policy.MaxLatencyRatio * o.ProductionP95LatencyMs
                && o.P95LatencyMs - o.ProductionP95LatencyMs >= policy.MinLatencyIncreaseMs;
            Add("latency", !latencyMeasured ? CheckOutcome.NotMeasured : latencyBreached ? CheckOutcome.Failed : CheckOutcome.Passed, latencyBreached
                ? Format($"canary p95 latency {o.P95LatencyMs:F1} ms exceeds {policy.MaxLatencyRatio:F1}x production's {o.ProductionP95LatencyMs:F1} ms (and by at least {policy.MinLatencyIncreaseMs:F1} ms)")
                : Format($"canary p95 latency {o.P95LatencyMs:F1} ms against production's {o.ProductionP95LatencyMs:F1} ms") + (latencyMeasured ? "" : " not judged"));

            var shiftMeasured = compared && o.DistributionShift is not null;
            var psi = o.DistributionShift ?? double.NaN;
            var shiftBreached = shiftMeasured && psi > policy.MaxDistributionShift && (o.ShiftPValue is not { } p || p < policy.ShiftSignificance);
            Add("distribution-shift", !shiftMeasured ? CheckOutcome.NotMeasured : shiftBreached ? CheckOutcome.Failed : CheckOutcome.Passed, shiftBreached
                ? Format($"prediction distribution shift PSI {psi:F3} against production exceeds {policy.MaxDistributionShift:F3}")
                    + (o.ShiftPValue is { } significance ? Format($" (chi-square p {significance:G3} < {policy.ShiftSignificance:G3})") : "")
                : shiftMeasured ? Format($"prediction distribution shift PSI {psi:F3} within {policy.MaxDistributionShift:F3} or not significant")
                : "prediction distribution shift not judged");
        }

        var summary = Format($"canary {o.Requests} requests, {o.Errors} errors, p95 {o.P95LatencyMs:F1} ms; production {o.ProductionRequests} requests, p95 {o.ProductionP95LatencyMs:F1} ms; shift PSI {(o.DistributionShift is { } s ? s.ToString("F3", CultureInfo.InvariantCulture) : "n/a")}")
            + (o.ShiftPValue is { } pValue ? Format($" (p {pValue:G3})") : "")
            + (judged ? "" : Format($" (below {policy.MinRequests} requests: judged on errors only)"));
        // Failures first (they roll the canary back), then what was not measured (it keeps the canary from promotion).
        var reasons = checks.Where(c => c.Outcome == CheckOutcome.Failed).Concat(checks.Where(c => c.Outcome == CheckOutcome.NotMeasured)).Select(c => c.Detail).ToList();
        return new CanaryVerdict(checks.TrueForAll(c => c.Outcome != CheckOutcome.Failed), reasons, summary, checks);
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
