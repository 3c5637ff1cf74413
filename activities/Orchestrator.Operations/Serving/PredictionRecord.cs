namespace Orchestrator.Operations.Serving;

/// <summary>
/// One logged prediction (one image): what served it, how fast, what it answered, and the input
/// statistics the monitor compares with the training reference. No raw image unless the policy allows it.
/// </summary>
/// <param name="Id">The prediction id returned to the caller (feedback refers to it).</param>
/// <param name="Model">The model name.</param>
/// <param name="Version">The version that answered.</param>
/// <param name="Route">"production", "canary" or "pinned" (a caller-chosen version).</param>
/// <param name="At">When the request was served.</param>
/// <param name="LatencyMs">Inference time of the request this image came in, in milliseconds.</param>
/// <param name="Succeeded">False when inference failed (counts towards the error rate).</param>
/// <param name="PredictedLabel">The top class, or null on failure.</param>
/// <param name="Confidence">The top class's probability, or null on failure.</param>
/// <param name="ChannelMeans">Mean R, G, B intensity in [0,1] of the decoded image, or null.</param>
/// <param name="Image">The encoded image, only where the dataset policy allows keeping it.</param>
/// <param name="Error">Why inference failed, or null.</param>
public sealed record PredictionRecord(
    Guid Id,
    string Model,
    int Version,
    string Route,
    DateTimeOffset At,
    double LatencyMs,
    bool Succeeded,
    string? PredictedLabel,
    double? Confidence,
    IReadOnlyList<double>? ChannelMeans,
    byte[]? Image = null,
    string? Error = null);

/// <summary>Health figures of one version's traffic in a time window.</summary>
/// <param name="Requests">Logged predictions.</param>
/// <param name="Errors">Failed predictions.</param>
/// <param name="P50LatencyMs">Median latency (0 when there is none).</param>
/// <param name="P95LatencyMs">95th percentile latency (0 when there is none).</param>
/// <param name="ClassCounts">Predictions per predicted class.</param>
public sealed record PredictionHealth(int Requests, int Errors, double P50LatencyMs, double P95LatencyMs, IReadOnlyDictionary<string, int> ClassCounts)
{
    /// <summary>Errors / requests; 0 without requests.</summary>
    public double ErrorRate => Requests == 0 ? 0 : (double)Errors / Requests;
}

/// <summary>The input statistics of one logged prediction, for drift measurement.</summary>
public sealed record PredictionSample(double Confidence, IReadOnlyList<double> ChannelMeans);

/// <summary>What feedback found: the prediction it labels and whether the model was right.</summary>
public sealed record FeedbackResult(Guid PredictionId, string Model, int Version, string? PredictedLabel, string Label, bool Correct);

/// <summary>Online accuracy of one version from reviewer feedback.</summary>
public sealed record OnlineAccuracy(int Labelled, int Correct)
{
    /// <summary>Correct / labelled; NaN without feedback.</summary>
    public double Accuracy => Labelled == 0 ? double.NaN : (double)Correct / Labelled;
}
