using Temporalio.Activities;

namespace Orchestrator.Workflows.Monitor;

/// <summary>Drift thresholds as in the policy JSON "drift" section (Policies/Catalog/default.v1.json).</summary>
/// <param name="CheckInterval">Time between two health checks of the production version.</param>
/// <param name="MinSamples">Logged predictions needed in a window before drift is judged.</param>
/// <param name="MaxPsi">Highest tolerated population stability index of the predicted-class distribution.</param>
/// <param name="KsAlpha">Significance level of the Kolmogorov-Smirnov test on prediction confidence.</param>
/// <param name="MinOnlineAccuracy">Lowest tolerated accuracy on labelled feedback.</param>
/// <param name="MinFeedback">Labelled predictions needed before online accuracy is judged.</param>
/// <param name="MaxErrorRate">Highest tolerated share of failed predictions.</param>
/// <param name="ShiftSignificance">A PSI above MaxPsi counts as drift only when a chi-square test of the same counts puts the chance of sampling noise below this level.</param>
/// <param name="MaxEvidenceAge">How far back predictions and feedback accumulate while too few were seen to judge (null: <see cref="DefaultEvidenceAgeIntervals"/> check intervals).</param>
/// <param name="MaxUnjudged">How long a version may go unjudged (too little traffic) before that is recorded on the model stream as ModelNotJudged (null: <see cref="DefaultUnjudgedIntervals"/> check intervals).</param>
public sealed record DriftTerms(TimeSpan CheckInterval, int MinSamples, double MaxPsi, double KsAlpha, double MinOnlineAccuracy, int MinFeedback, double MaxErrorRate,
    double ShiftSignificance = 0.01, TimeSpan? MaxEvidenceAge = null, TimeSpan? MaxUnjudged = null)
{
    /// <summary>Check intervals evidence accumulates over when the policy names no <see cref="MaxEvidenceAge"/>.</summary>
    public const int DefaultEvidenceAgeIntervals = 24;

    /// <summary>Check intervals a version may go unjudged before it is recorded, when the policy names no <see cref="MaxUnjudged"/>.</summary>
    public const int DefaultUnjudgedIntervals = 3;

    /// <summary>The oldest evidence a check still counts.</summary>
    public TimeSpan EvidenceAge => MaxEvidenceAge ?? CheckInterval * DefaultEvidenceAgeIntervals;

    /// <summary>How long a version may go unjudged before ModelNotJudged is recorded.</summary>
    public TimeSpan UnjudgedLimit => MaxUnjudged ?? CheckInterval * DefaultUnjudgedIntervals;
}

/// <summary>The measurement activity the monitor workflow calls on every check.</summary>
public interface IMeasureActivities
{
    /// <summary>The activity type name (recorded in every history: never change it).</summary>
    public const string Name = "MeasureModelHealth";

    /// <summary>Window: predictions logged for (Model, Version) since From. PolicyDigest pins the thresholds that get recorded.</summary>
    /// <remarks>
    /// <paramref name="FeedbackFrom"/>: where the labelled feedback's window begins (null: <paramref name="From"/>), since feedback accumulates
    /// separately until MinFeedback labels are in. <paramref name="UnjudgedSince"/>: since when the version has gone unjudged (null: runs
    /// from before it was carried); when that is longer than <see cref="DriftTerms.UnjudgedLimit"/> and this window is still too small, the
    /// check records ModelNotJudged once for that period.
    /// </remarks>
    public sealed record Input(string Model, int Version, DateTimeOffset From, DateTimeOffset To, DriftTerms Terms, string PolicyDigest, string IdempotencyKey,
        DateTimeOffset? FeedbackFrom = null, DateTimeOffset? UnjudgedSince = null);

    /// <summary>Compares the window with the version's training reference and records every statistic once.</summary>
    [Activity(Name)]
    Task<HealthReport> MeasureAsync(Input input);
}

/// <summary>One statistic compared with its threshold; Breached says whether it is beyond the policy. PValue: for a PSI, the chi-square p-value of the counts it compares.</summary>
public sealed record DriftStatistic(string Name, double Value, double Threshold, bool Breached, double? PValue = null);

/// <summary>
/// What one check measured. Samples: logged predictions in the window; Feedback: labelled ones.
/// ServingStopped: the model is under an emergency stop (the check records that and measures nothing).
/// </summary>
public sealed record HealthReport(string Model, int Version, int Samples, int Feedback, IReadOnlyList<DriftStatistic> Statistics, bool ServingStopped);
