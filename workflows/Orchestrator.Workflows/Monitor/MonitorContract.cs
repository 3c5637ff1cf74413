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
public sealed record DriftTerms(TimeSpan CheckInterval, int MinSamples, double MaxPsi, double KsAlpha, double MinOnlineAccuracy, int MinFeedback, double MaxErrorRate,
    double ShiftSignificance = 0.01);

/// <summary>The measurement activity the monitor workflow calls on every check.</summary>
public interface IMeasureActivities
{
    /// <summary>The activity type name (recorded in every history: never change it).</summary>
    public const string Name = "MeasureModelHealth";

    /// <summary>Window: predictions logged for (Model, Version) since From. PolicyDigest pins the thresholds that get recorded.</summary>
    public sealed record Input(string Model, int Version, DateTimeOffset From, DateTimeOffset To, DriftTerms Terms, string PolicyDigest, string IdempotencyKey);

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
