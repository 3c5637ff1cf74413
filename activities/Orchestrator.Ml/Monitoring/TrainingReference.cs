using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Ml.Monitoring;

/// <summary>
/// What a model version saw and answered on its held-out (test) split, stored once per version next to the
/// evaluation evidence, for the drift monitor to compare production traffic with. It holds only what the
/// prediction log also records per image (channel means, top-class confidence, predicted class), so every
/// part can be compared online, plus the class signature for offline inspection.
/// </summary>
/// <param name="Format">Schema version of this JSON (<see cref="CurrentFormat"/>).</param>
/// <param name="Classes">The model's class names, in output order.</param>
/// <param name="Count">Held-out images the reference was computed on.</param>
/// <param name="Channels">Per-image mean R, G and B intensity in [0,1], binned on their quantiles.</param>
/// <param name="Confidence">Top-class probability, binned on its quantiles (for PSI).</param>
/// <param name="ConfidenceQuantiles">At most <see cref="MaxQuantiles"/> evenly spaced order statistics of the confidences (for KS).</param>
/// <param name="ClassCounts">Held-out images per predicted class, in <paramref name="Classes"/> order.</param>
/// <param name="ClassSignature">
/// The embedding signature: per predicted class, the mean softmax vector of the images predicted as that
/// class (a row of zeros when none was). It summarises how sure the model is and what it confuses each
/// class with, in Classes² numbers whatever the network; the softmax rather than an inner layer because
/// it is the same for every architecture and the ONNX graph exposes nothing else.
/// </param>
public sealed record TrainingReference(
    int Format,
    IReadOnlyList<string> Classes,
    int Count,
    IReadOnlyList<BinnedDistribution> Channels,
    BinnedDistribution Confidence,
    IReadOnlyList<double> ConfidenceQuantiles,
    IReadOnlyList<double> ClassCounts,
    IReadOnlyList<IReadOnlyList<double>> ClassSignature)
{
    /// <summary>The format this code writes.</summary>
    public const int CurrentFormat = 1;

    /// <summary>Keeps the artifact small (a few tens of kB) whatever the split size; KS on 2,000 quantiles is exact to 1/2,000.</summary>
    public const int MaxQuantiles = 2000;

    /// <summary>The media type the artifact is stored under.</summary>
    public const string MediaType = "application/vnd.orchestrator.training-reference+json";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.Strict,
        WriteIndented = false,
    };

    /// <summary>
    /// Builds the reference from per-image channel means (R, G, B), the model's probabilities (row-major,
    /// images × classes) and the class names. Deterministic: the same inputs give the same bytes.
    /// </summary>
    public static TrainingReference Build(IReadOnlyList<IReadOnlyList<double>> channelMeans, ReadOnlySpan<float> probabilities, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(channelMeans);
        ArgumentNullException.ThrowIfNull(classes);
        var k = classes.Count;
        var n = channelMeans.Count;
        if (k < 2 || probabilities.Length != n * k)
        {
            throw new ArgumentException($"{probabilities.Length} probabilities for {n} images of {k} classes.", nameof(probabilities));
        }

        if (n == 0 || channelMeans.Any(m => m.Count != 3))
        {
            throw new ArgumentException("A reference needs at least one image with three channel means each.", nameof(channelMeans));
        }

        var confidences = new double[n];
        var classCounts = new double[k];
        var signature = new double[k][];
        for (var c = 0; c < k; c++)
        {
            signature[c] = new double[k];
        }

        for (var i = 0; i < n; i++)
        {
            var row = probabilities.Slice(i * k, k);
            var best = 0;
            for (var c = 1; c < k; c++)
            {
                best = row[c] > row[best] ? c : best;
            }

            confidences[i] = row[best];
            classCounts[best]++;
            for (var c = 0; c < k; c++)
            {
                signature[best][c] += row[c];
            }
        }

        for (var c = 0; c < k; c++)
        {
            for (var j = 0; j < k; j++)
            {
                signature[c][j] = classCounts[c] == 0 ? 0 : signature[c][j] / classCounts[c];
            }
        }

        var channels = Enumerable.Range(0, 3).Select(ch => BinnedDistribution.Of([.. channelMeans.Select(m => m[ch])])).ToArray();
        return new TrainingReference(CurrentFormat, [.. classes], n, channels, BinnedDistribution.Of(confidences), Quantiles(confidences, MaxQuantiles), classCounts, signature);
    }

    /// <summary>The sample itself when it has at most <paramref name="max"/> values, else that many evenly spaced order statistics (sorted).</summary>
    public static double[] Quantiles(IReadOnlyList<double> values, int max)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 2);
        var sorted = values.Order().ToArray();
        return sorted.Length <= max
            ? sorted
            : [.. Enumerable.Range(0, max).Select(i => sorted[(int)((long)i * (sorted.Length - 1) / (max - 1))])];
    }

    /// <summary>Compact UTF-8 JSON (the stored artifact).</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Parses <see cref="ToJson"/> output; refuses formats this code does not know.</summary>
    public static TrainingReference FromJson(ReadOnlySpan<byte> json)
    {
        var reference = JsonSerializer.Deserialize<TrainingReference>(json, Json) ?? throw new InvalidDataException("Empty training reference.");
        return reference.Format == CurrentFormat ? reference : throw new InvalidDataException($"Training reference format {reference.Format} is not {CurrentFormat}.");
    }

    /// <summary>Mean R, G, B intensity in [0,1] of interleaved 8-bit RGB pixels (the serving log's ChannelMeans, computed the same way).</summary>
    public static double[] ChannelMeans(ReadOnlySpan<byte> pixels)
    {
        long r = 0, g = 0, b = 0;
        for (var i = 0; i + 2 < pixels.Length; i += 3)
        {
            r += pixels[i];
            g += pixels[i + 1];
            b += pixels[i + 2];
        }

        var n = 255.0 * Math.Max(1, pixels.Length / 3);
        return [r / n, g / n, b / n];
    }
}
