namespace Orchestrator.Ml.Monitoring;

/// <summary>
/// The thresholds one health check applies (the policy's drift terms, without the schedule; see
/// <c>DriftTerms</c>). ShiftSignificance: a PSI above MaxPsi is breached only when the chi-square p-value of
/// the same counts is below it.
/// </summary>
public sealed record HealthLimits(int MinSamples, double MaxPsi, double KsAlpha, double MinOnlineAccuracy, int MinFeedback, double MaxErrorRate, double ShiftSignificance = 0.01);

/// <summary>What production did in one window: traffic, failures, the logged inputs and answers, reviewer feedback.</summary>
/// <param name="Requests">Logged predictions, failed ones included.</param>
/// <param name="Errors">Failed predictions.</param>
/// <param name="P95LatencyMs">95th percentile latency (0 without traffic).</param>
/// <param name="Confidences">Top-class probability of each successful prediction.</param>
/// <param name="ChannelMeans">Mean R, G, B of each successful prediction's image (same order as Confidences).</param>
/// <param name="ClassCounts">Successful predictions per predicted class name.</param>
/// <param name="Labelled">Predictions a reviewer labelled.</param>
/// <param name="Correct">Of those, the ones the model got right.</param>
public sealed record ObservedWindow(
    int Requests,
    int Errors,
    double P95LatencyMs,
    IReadOnlyList<double> Confidences,
    IReadOnlyList<IReadOnlyList<double>> ChannelMeans,
    IReadOnlyDictionary<string, int> ClassCounts,
    int Labelled,
    int Correct);

/// <summary>One statistic against its threshold; PValue: for a PSI, the chi-square p-value of the counts it compares.</summary>
public sealed record MeasuredStatistic(string Name, double Value, double Threshold, bool Breached, double? PValue = null);

/// <summary>
/// The pure comparison of a production window with the training reference. PSI per input channel, PSI and
/// KS on confidence and PSI of the predicted-class mix say whether the inputs or the model's answers moved;
/// online accuracy, the error rate and p95 latency say how it serves. With fewer than MinSamples logged
/// predictions nothing is breached (the values are still reported): small windows are noise, not evidence.
/// A PSI is breached only when it is above MaxPsi and its chi-square p-value is below ShiftSignificance:
/// large enough to matter and unlikely to be sampling noise.
/// Statistics that cannot be computed (no traffic, too little feedback, no reference) are left out, so no
/// value is ever NaN.
/// </summary>
public static class HealthComparison
{
    public const string ChannelPrefix = "psi:channel-";
    public const string ConfidencePsi = "psi:confidence";
    public const string ConfidenceKs = "ks:confidence";
    public const string ClassPsi = "psi:predicted-class";
    public const string OnlineAccuracy = "online-accuracy";
    public const string ErrorRate = "error-rate";

    /// <summary>Informational: the drift terms carry no latency bound, so its threshold is 0 and it is never breached.</summary>
    public const string LatencyP95 = "latency-p95-ms";

    private static readonly string[] ChannelNames = ["r", "g", "b"];

    /// <summary>Compares <paramref name="window"/> with <paramref name="reference"/> (null: only the serving statistics) under <paramref name="limits"/>.</summary>
    public static IReadOnlyList<MeasuredStatistic> Compare(TrainingReference? reference, ObservedWindow window, HealthLimits limits)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(limits);
        var judged = window.Requests >= limits.MinSamples;
        var statistics = new List<MeasuredStatistic>();
        void Add(string name, double value, double threshold, bool beyond, double? pValue = null)
        {
            if (!double.IsNaN(value))
            {
                statistics.Add(new MeasuredStatistic(name, value, threshold, judged && beyond, pValue));
            }
        }

        // A PSI is breached when large and unlikely to be noise.
        void AddShift(string name, (double Psi, double PValue) shift) =>
            Add(name, shift.Psi, limits.MaxPsi, shift.Psi > limits.MaxPsi && shift.PValue < limits.ShiftSignificance, shift.PValue);

        if (reference is not null && window.Confidences.Count > 0)
        {
            for (var ch = 0; ch < 3; ch++)
            {
                AddShift(ChannelPrefix + ChannelNames[ch], reference.Channels[ch].Shift([.. window.ChannelMeans.Select(m => m[ch])]));
            }

            AddShift(ConfidencePsi, reference.Confidence.Shift(window.Confidences));
            var ks = DriftStatistics.KolmogorovSmirnov(reference.ConfidenceQuantiles, window.Confidences);
            var critical = DriftStatistics.KolmogorovSmirnovCritical(reference.Count, window.Confidences.Count, limits.KsAlpha);
            Add(ConfidenceKs, ks, critical, ks > critical);
            AddShift(ClassPsi, DriftStatistics.Shift(reference.ClassCounts, [.. reference.Classes.Select(c => (double)window.ClassCounts.GetValueOrDefault(c))]));
        }

        if (window.Labelled >= limits.MinFeedback && window.Labelled > 0)
        {
            var accuracy = (double)window.Correct / window.Labelled;
            Add(OnlineAccuracy, accuracy, limits.MinOnlineAccuracy, accuracy < limits.MinOnlineAccuracy);
        }

        if (window.Requests > 0)
        {
            var errorRate = (double)window.Errors / window.Requests;
            Add(ErrorRate, errorRate, limits.MaxErrorRate, errorRate > limits.MaxErrorRate);
            Add(LatencyP95, window.P95LatencyMs, 0, beyond: false);
        }

        return statistics;
    }
}
