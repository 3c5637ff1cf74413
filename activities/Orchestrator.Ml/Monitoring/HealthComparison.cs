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
/// <param name="Name">The statistic (<see cref="HealthComparison"/>'s names).</param>
/// <param name="Value">What was measured; always finite.</param>
/// <param name="Threshold">The bound it is compared with.</param>
/// <param name="Breached">Beyond the bound on a window large enough to judge, or failed outright (<paramref name="Reason"/>).</param>
/// <param name="PValue">For a PSI, the chi-square p-value of the counts it compares.</param>
/// <param name="Reason">Why the statistic failed regardless of its value (the model answered NaN or infinity); null otherwise.</param>
public sealed record MeasuredStatistic(string Name, double Value, double Threshold, bool Breached, double? PValue = null, string? Reason = null);

/// <summary>
/// The pure comparison of a production window with the training reference. PSI per input channel, PSI and
/// KS on confidence and PSI of the predicted-class mix say whether the inputs or the model's answers moved;
/// online accuracy, the error rate and p95 latency say how it serves. With fewer than MinSamples logged
/// predictions nothing is breached (the values are still reported): small windows are noise, not evidence.
/// A PSI is breached only when it is above MaxPsi and its chi-square p-value is below ShiftSignificance:
/// large enough to matter and unlikely to be sampling noise.
/// Statistics that cannot be computed (no traffic, too little feedback, no reference) are left out, so no
/// value is ever NaN.
/// A confidence that is NaN or infinite is the model's fault, not the window's: such values are left out of
/// the confidence PSI and KS, counted in <see cref="NonFiniteConfidences"/> (breached at any window size: a
/// model that answers NaN is broken, not noisy), and the confidence statistics computed without them are
/// breached with the same reason. Anything else malformed in the window or the limits is an
/// <see cref="ArgumentException"/> that says what.
/// </summary>
public static class HealthComparison
{
    public const string ChannelPrefix = "psi:channel-";
    public const string ConfidencePsi = "psi:confidence";
    public const string ConfidenceKs = "ks:confidence";
    public const string ClassPsi = "psi:predicted-class";
    public const string OnlineAccuracy = "online-accuracy";
    public const string ErrorRate = "error-rate";

    /// <summary>How many confidences in the window were NaN or infinite (threshold 0); present only when some were.</summary>
    public const string NonFiniteConfidences = "non-finite:confidence";

    /// <summary>Informational: the drift terms carry no latency bound, so its threshold is 0 and it is never breached.</summary>
    public const string LatencyP95 = "latency-p95-ms";

    private static readonly string[] ChannelNames = ["r", "g", "b"];

    /// <summary>Compares <paramref name="window"/> with <paramref name="reference"/> (null: only the serving statistics) under <paramref name="limits"/>.</summary>
    public static IReadOnlyList<MeasuredStatistic> Compare(TrainingReference? reference, ObservedWindow window, HealthLimits limits)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(limits);
        Validate(window);
        Validate(limits);
        var judged = window.Requests >= limits.MinSamples;
        var statistics = new List<MeasuredStatistic>();
        void Add(string name, double value, double threshold, bool beyond, double? pValue = null, string? failure = null)
        {
            if (!double.IsNaN(value))
            {
                statistics.Add(new MeasuredStatistic(name, value, threshold, (judged && beyond) || failure is not null, pValue, failure));
            }
        }

        // A PSI is breached when large and unlikely to be noise.
        void AddShift(string name, (double Psi, double PValue) shift, string? failure = null) =>
            Add(name, shift.Psi, limits.MaxPsi, shift.Psi > limits.MaxPsi && shift.PValue < limits.ShiftSignificance, shift.PValue, failure);

        var confidences = window.Confidences.Where(double.IsFinite).ToArray();
        var nonFinite = window.Confidences.Count - confidences.Length;
        var modelFault = nonFinite == 0 ? null : $"non-finite model outputs: {nonFinite} of {window.Confidences.Count} confidences";
        if (modelFault is not null)
        {
            Add(NonFiniteConfidences, nonFinite, 0, beyond: true, failure: modelFault);
        }

        if (reference is not null && window.Confidences.Count > 0)
        {
            for (var ch = 0; ch < 3; ch++)
            {
                AddShift(ChannelPrefix + ChannelNames[ch], reference.Channels[ch].Shift([.. window.ChannelMeans.Select(m => m[ch])]));
            }

            if (confidences.Length > 0)
            {
                AddShift(ConfidencePsi, reference.Confidence.Shift(confidences), modelFault);
                var ks = DriftStatistics.KolmogorovSmirnov(reference.ConfidenceQuantiles, confidences);
                var critical = DriftStatistics.KolmogorovSmirnovCritical(reference.Count, confidences.Length, limits.KsAlpha);
                Add(ConfidenceKs, ks, critical, ks > critical, failure: modelFault);
            }

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

    private static void Validate(ObservedWindow window)
    {
        const string what = "HealthComparison.Compare";
        if (window.Requests < 0 || window.Errors < 0 || window.Errors > window.Requests)
        {
            throw new ArgumentException($"{what}: {window.Errors} errors in {window.Requests} requests; errors must lie between 0 and the requests.", nameof(window));
        }

        if (window.Labelled < 0 || window.Correct < 0 || window.Correct > window.Labelled)
        {
            throw new ArgumentException($"{what}: {window.Correct} correct of {window.Labelled} labelled; correct must lie between 0 and the labelled.", nameof(window));
        }

        if (!double.IsFinite(window.P95LatencyMs) || window.P95LatencyMs < 0)
        {
            throw new ArgumentException($"{what}: the p95 latency is {InputChecks.Describe(window.P95LatencyMs)} ms; it must be a finite, non-negative number.", nameof(window));
        }

        if (window.Confidences is null || window.ChannelMeans is null || window.ClassCounts is null)
        {
            throw new ArgumentException($"{what}: the window has no confidences, channel means or class counts (empty lists are fine, null is not).", nameof(window));
        }

        if (window.ChannelMeans.Count != window.Confidences.Count)
        {
            throw new ArgumentException($"{what}: {window.Confidences.Count} confidences but {window.ChannelMeans.Count} channel means; they describe the same samples.", nameof(window));
        }

        for (var i = 0; i < window.ChannelMeans.Count; i++)
        {
            // Channel means come from the image bytes, not the model: one that is malformed is a logging fault.
            if (window.ChannelMeans[i] is not { Count: 3 } means || !means.All(double.IsFinite))
            {
                var shown = window.ChannelMeans[i] is { } m ? string.Join(", ", m.Select(InputChecks.Describe)) : "null";
                throw new ArgumentException($"{what}: the channel means of sample {i} are [{shown}]; each sample needs three finite means (R, G, B).", nameof(window));
            }
        }

        foreach (var (name, count) in window.ClassCounts)
        {
            if (count < 0)
            {
                throw new ArgumentException($"{what}: class '{name}' has {count} predictions; counts cannot be negative.", nameof(window));
            }
        }
    }

    private static void Validate(HealthLimits limits)
    {
        const string what = "HealthComparison.Compare";
        void Require(bool valid, string name, double value, string range)
        {
            if (!valid)
            {
                throw new ArgumentOutOfRangeException(nameof(limits), value, $"{what}: {name} is {InputChecks.Describe(value)}; it must be {range}.");
            }
        }

        Require(limits.MinSamples >= 0, nameof(limits.MinSamples), limits.MinSamples, "0 or more");
        Require(limits.MinFeedback >= 0, nameof(limits.MinFeedback), limits.MinFeedback, "0 or more");
        Require(double.IsFinite(limits.MaxPsi) && limits.MaxPsi >= 0, nameof(limits.MaxPsi), limits.MaxPsi, "a finite number, 0 or more");
        Require(limits.KsAlpha is > 0 and < 1, nameof(limits.KsAlpha), limits.KsAlpha, "strictly between 0 and 1");
        Require(limits.MinOnlineAccuracy is >= 0 and <= 1, nameof(limits.MinOnlineAccuracy), limits.MinOnlineAccuracy, "between 0 and 1");
        Require(limits.MaxErrorRate is >= 0 and <= 1, nameof(limits.MaxErrorRate), limits.MaxErrorRate, "between 0 and 1");
        Require(limits.ShiftSignificance is > 0 and <= 1, nameof(limits.ShiftSignificance), limits.ShiftSignificance, "above 0 and at most 1");
    }
}
