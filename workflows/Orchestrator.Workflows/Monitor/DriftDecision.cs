using Orchestrator.Workflows.Policies;

namespace Orchestrator.Workflows.Monitor;

/// <summary>Whether a check calls for a governed retrain, and why (the reason goes into RetrainRequested).</summary>
/// <param name="Retrain">True when drift calls for a retrain now.</param>
/// <param name="Reason">Why, in one line ("not judged since ...: 37 predictions of 200 needed" when too little traffic was seen).</param>
/// <param name="Breached">The statistics beyond the policy.</param>
/// <param name="Checks">Every check with its outcome: "min-samples" and each statistic; online accuracy is not measured below the feedback minimum (null: verdicts from before outcomes were recorded).</param>
public sealed record DriftVerdict(bool Retrain, string Reason, IReadOnlyList<string> Breached, IReadOnlyList<GateCheck>? Checks = null)
{
    /// <summary>Whether the window held enough predictions to judge drift at all (false: evidence keeps accumulating).</summary>
    public bool Judged => Checks?.FirstOrDefault(c => c.Check == DriftDecision.MinSamplesCheck)?.Outcome.Allows() ?? true;

    /// <summary>Whether online accuracy was judged (enough labelled feedback); false: feedback keeps accumulating.</summary>
    public bool FeedbackJudged => Checks?.FirstOrDefault(c => c.Check == DriftDecision.OnlineAccuracy)?.Outcome is CheckOutcome.Passed or CheckOutcome.Failed;
}

/// <summary>What the monitor knows besides the report when it decides.</summary>
/// <param name="RetrainInFlight">The run id of a retrain that has not ended yet, if any.</param>
/// <param name="LastRetrainAt">When the last retrain was requested (null: never).</param>
/// <param name="Now">The workflow's current time (passed in, so the decision stays pure).</param>
/// <param name="CoolDown">How long after a retrain request no other is requested (a fresh version needs time to gather evidence).</param>
/// <param name="UnjudgedSince">Since when the version has gone unjudged, i.e. where the accumulating window began (null: not tracked).</param>
public sealed record DriftContext(string? RetrainInFlight, DateTimeOffset? LastRetrainAt, DateTimeOffset Now, TimeSpan CoolDown, DateTimeOffset? UnjudgedSince = null);

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

    /// <summary>The check that the window held the policy's minimum of predictions.</summary>
    public const string MinSamplesCheck = "min-samples";

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

        var checks = Checks(report, terms);
        if (report.Samples < terms.MinSamples)
        {
            return new DriftVerdict(false, context.UnjudgedSince is { } since
                ? FormattableString.Invariant($"not judged since {since:O}: {report.Samples} predictions of {terms.MinSamples} needed")
                : $"{report.Samples} predictions in the window, fewer than the {terms.MinSamples} needed to judge drift", [], checks);
        }

        var breached = report.Statistics
            .Where(s => s.Breached && (s.Name != OnlineAccuracy || report.Feedback >= terms.MinFeedback))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToList();
        if (breached.Count == 0)
        {
            return new DriftVerdict(false, "no statistic beyond the policy", [], checks);
        }

        var names = breached.Select(s => s.Name).ToList();
        var what = string.Join(", ", breached.Select(s => FormattableString.Invariant($"{s.Name}={s.Value:0.####} (threshold {s.Threshold:0.####})")));
        if (context.RetrainInFlight is { } run)
        {
            return new DriftVerdict(false, $"drift ({what}) but retrain run {run} is still in flight", names, checks);
        }

        if (context.LastRetrainAt is { } last && context.Now - last < context.CoolDown)
        {
            return new DriftVerdict(false, $"drift ({what}) but the last retrain was requested at {last:O}, within the cool-down of {context.CoolDown}", names, checks);
        }

        return new DriftVerdict(true, $"drift on v{report.Version}: {what}", names, checks);
    }

    /// <summary>
    /// The outcome of every check: "min-samples" is not measured below the policy's minimum (and then no statistic
    /// is judged); online accuracy is not measured below the feedback minimum; the other statistics pass or fail.
    /// </summary>
    private static List<GateCheck> Checks(HealthReport report, DriftTerms terms)
    {
        var judged = report.Samples >= terms.MinSamples;
        var checks = new List<GateCheck>
        {
            new(MinSamplesCheck, judged ? CheckOutcome.Passed : CheckOutcome.NotMeasured,
                FormattableString.Invariant($"{report.Samples} predictions of {terms.MinSamples} needed, {report.Feedback} labelled of {terms.MinFeedback}")),
        };
        foreach (var s in report.Statistics.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            var measured = judged && (s.Name != OnlineAccuracy || report.Feedback >= terms.MinFeedback) && !double.IsNaN(s.Value);
            checks.Add(new GateCheck(s.Name, !measured ? CheckOutcome.NotMeasured : s.Breached ? CheckOutcome.Failed : CheckOutcome.Passed,
                FormattableString.Invariant($"{s.Name}={s.Value:0.####} (threshold {s.Threshold:0.####})")));
        }

        return checks;
    }

    private static DriftVerdict No(string reason) => new(false, reason, []);
}
