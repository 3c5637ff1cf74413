namespace Orchestrator.Workflows.Monitor;

/// <summary>Whether a check calls for a governed retrain, and why (the reason goes into RetrainRequested).</summary>
public sealed record DriftVerdict(bool Retrain, string Reason, IReadOnlyList<string> Breached);

/// <summary>What the monitor knows besides the report when it decides.</summary>
/// <param name="RetrainInFlight">The run id of a retrain that has not ended yet, if any.</param>
/// <param name="LastRetrainAt">When the last retrain was requested (null: never).</param>
/// <param name="Now">The workflow's current time (passed in, so the decision stays pure).</param>
/// <param name="CoolDown">How long after a retrain request no other is requested (a fresh version needs time to gather evidence).</param>
public sealed record DriftContext(string? RetrainInFlight, DateTimeOffset? LastRetrainAt, DateTimeOffset Now, TimeSpan CoolDown);

/// <summary>
/// The pure retrain decision over one health report. The measurement marks statistics as breached; this
/// decision re-applies the policy's evidence rules so a retrain never rests on too little data: at least
/// MinSamples predictions in the window, online accuracy only with MinFeedback labels, nothing while the
/// model is under an emergency stop, never a second retrain while one is in flight or within the cool-down.
/// </summary>
public static class DriftDecision
{
    /// <summary>The statistic name of accuracy on labelled feedback (judged only with enough feedback).</summary>
    public const string OnlineAccuracy = "online-accuracy";

    /// <summary>Decides whether <paramref name="report"/> calls for a retrain under <paramref name="terms"/>.</summary>
    public static DriftVerdict Decide(HealthReport report, DriftTerms terms, DriftContext context)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(context);
        if (report.ServingStopped)
        {
            return No("serving is stopped: nothing measured");
        }

        if (report.Samples < terms.MinSamples)
        {
            return No($"{report.Samples} predictions in the window, fewer than the {terms.MinSamples} needed to judge drift");
        }

        var breached = report.Statistics
            .Where(s => s.Breached && (s.Name != OnlineAccuracy || report.Feedback >= terms.MinFeedback))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToList();
        if (breached.Count == 0)
        {
            return No("no statistic beyond the policy");
        }

        var names = breached.Select(s => s.Name).ToList();
        var what = string.Join(", ", breached.Select(s => FormattableString.Invariant($"{s.Name}={s.Value:0.####} (threshold {s.Threshold:0.####})")));
        if (context.RetrainInFlight is { } run)
        {
            return new DriftVerdict(false, $"drift ({what}) but retrain run {run} is still in flight", names);
        }

        if (context.LastRetrainAt is { } last && context.Now - last < context.CoolDown)
        {
            return new DriftVerdict(false, $"drift ({what}) but the last retrain was requested at {last:O}, within the cool-down of {context.CoolDown}", names);
        }

        return new DriftVerdict(true, $"drift on v{report.Version}: {what}", names);
    }

    private static DriftVerdict No(string reason) => new(false, reason, []);
}
