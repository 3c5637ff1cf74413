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
    /// images × classes) and the class names (distinct). Deterministic: the same inputs give the same bytes.
    /// An image whose probability row holds NaN or an infinity (the model failed on it) is left out of the
    /// whole reference, so Count is the number of images with finite outputs; the evaluation that produced
    /// the probabilities counts those failures (<see cref="Evaluation.Predictions.NonFiniteCount"/>). Finite
    /// rows must be probabilities (in [0, 1], summing to 1), not logits.
    /// </summary>
    public static TrainingReference Build(IReadOnlyList<IReadOnlyList<double>> channelMeans, ReadOnlySpan<float> probabilities, IReadOnlyList<string> classes)
    {
        const string what = "TrainingReference.Build";
        ArgumentNullException.ThrowIfNull(channelMeans);
        RequireClasses(classes, what);
        var k = classes.Count;
        var n = channelMeans.Count;
        if (k < 2 || probabilities.Length != n * k)
        {
            throw new ArgumentException($"{what}: {probabilities.Length} probabilities for {n} images of {k} classes.", nameof(probabilities));
        }

        if (n == 0)
        {
            throw new ArgumentException($"{what}: a reference needs at least one image.", nameof(channelMeans));
        }

        for (var i = 0; i < n; i++)
        {
            if (channelMeans[i] is not { Count: 3 } means || !means.All(double.IsFinite))
            {
                throw new ArgumentException($"{what}: image {i} needs three finite channel means (R, G, B).", nameof(channelMeans));
            }
        }

        var kept = new List<int>(n);
        for (var i = 0; i < n; i++)
        {
            var row = probabilities.Slice(i * k, k);
            if (InputChecks.IsFinite(row))
            {
                InputChecks.RequireProbabilities(row, i, what, nameof(probabilities));
                kept.Add(i);
            }
        }

        if (kept.Count == 0)
        {
            throw new ArgumentException($"{what}: all {n} images have non-finite model outputs (NaN or infinity); there is nothing to build a reference from.", nameof(probabilities));
        }

        var confidences = new double[kept.Count];
        var classCounts = new double[k];
        var signature = new double[k][];
        for (var c = 0; c < k; c++)
        {
            signature[c] = new double[k];
        }

        for (var j = 0; j < kept.Count; j++)
        {
            var i = kept[j];
            var row = probabilities.Slice(i * k, k);
            var best = 0;
            for (var c = 1; c < k; c++)
            {
                best = row[c] > row[best] ? c : best;
            }

            confidences[j] = row[best];
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

        var channels = Enumerable.Range(0, 3).Select(ch => BinnedDistribution.Of([.. kept.Select(i => channelMeans[i][ch])])).ToArray();
        return new TrainingReference(CurrentFormat, [.. classes], kept.Count, channels, BinnedDistribution.Of(confidences), Quantiles(confidences, MaxQuantiles), classCounts, signature);
    }

    /// <summary>The sample itself when it has at most <paramref name="max"/> values, else that many evenly spaced order statistics (sorted). Values must be finite.</summary>
    public static double[] Quantiles(IReadOnlyList<double> values, int max)
    {
        InputChecks.RequireFinite(values, "TrainingReference.Quantiles", "the sample", "order statistics need finite values.", nameof(values));
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 2);
        var sorted = values.Order().ToArray();
        return sorted.Length <= max
            ? sorted
            : [.. Enumerable.Range(0, max).Select(i => sorted[(int)((long)i * (sorted.Length - 1) / (max - 1))])];
    }

    /// <summary>Compact UTF-8 JSON (the stored artifact).</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>
    /// Parses <see cref="ToJson"/> output; refuses formats this code does not know and references whose parts do
    /// not fit together (bins and counts, classes and class counts), which would otherwise fail or mislead the
    /// monitor at its next check.
    /// </summary>
    public static TrainingReference FromJson(ReadOnlySpan<byte> json)
    {
        var reference = JsonSerializer.Deserialize<TrainingReference>(json, Json) ?? throw new InvalidDataException("Training reference: empty.");
        if (reference.Format != CurrentFormat)
        {
            throw new InvalidDataException($"Training reference format {reference.Format} is not {CurrentFormat}.");
        }

        try
        {
            reference.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Training reference is malformed: {e.Message}", e);
        }

        return reference;
    }

    /// <summary>Mean R, G, B intensity in [0,1] of interleaved 8-bit RGB pixels (the serving log's ChannelMeans, computed the same way); whole pixels only.</summary>
    public static double[] ChannelMeans(ReadOnlySpan<byte> pixels)
    {
        if (pixels.Length == 0 || pixels.Length % 3 != 0)
        {
            throw new ArgumentException($"TrainingReference.ChannelMeans: {pixels.Length} bytes are not a whole, non-empty number of RGB pixels.", nameof(pixels));
        }

        long r = 0, g = 0, b = 0;
        for (var i = 0; i + 2 < pixels.Length; i += 3)
        {
            r += pixels[i];
            g += pixels[i + 1];
            b += pixels[i + 2];
        }

        var n = 255.0 * (pixels.Length / 3);
        return [r / n, g / n, b / n];
    }

    private static void RequireClasses(IReadOnlyList<string> classes, string what)
    {
        ArgumentNullException.ThrowIfNull(classes);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var c = 0; c < classes.Count; c++)
        {
            if (classes[c] is null)
            {
                throw new ArgumentException($"{what}: class {c} has no name.", nameof(classes));
            }

            if (!seen.Add(classes[c]))
            {
                throw new ArgumentException($"{what}: the classes name '{classes[c]}' twice; class names must be distinct.", nameof(classes));
            }
        }
    }

    private void Validate()
    {
        const string what = "the reference";
        RequireClasses(Classes, what);
        if (Classes.Count < 2 || Count < 1)
        {
            throw new ArgumentException($"{what} has {Classes.Count} classes and {Count} images; it needs at least 2 and 1.");
        }

        if (Channels is not { Count: 3 } || Confidence is null || ConfidenceQuantiles is null || ClassCounts is null || ClassSignature is null)
        {
            throw new ArgumentException($"{what} needs three channel distributions, a confidence distribution, confidence quantiles, class counts and a class signature.");
        }

        for (var ch = 0; ch < 3; ch++)
        {
            Channels[ch].Validate($"channel {ch}");
        }

        Confidence.Validate("the confidence distribution");
        InputChecks.RequireFinite(ConfidenceQuantiles, what, "the confidence quantiles", "they must be finite.", nameof(ConfidenceQuantiles));
        if (ConfidenceQuantiles.Count == 0 || ConfidenceQuantiles.Zip(ConfidenceQuantiles.Skip(1)).Any(p => p.Second < p.First))
        {
            throw new ArgumentException($"{what}: the confidence quantiles must be a non-empty ascending list.");
        }

        InputChecks.RequireCounts(ClassCounts, what, "the class counts", nameof(ClassCounts));
        if (ClassCounts.Count != Classes.Count || ClassSignature.Count != Classes.Count || ClassSignature.Any(row => row is null || row.Count != Classes.Count))
        {
            throw new ArgumentException($"{what}: {ClassCounts.Count} class counts and a {ClassSignature.Count}-row signature for {Classes.Count} classes; both need one entry per class.");
        }
    }
}
