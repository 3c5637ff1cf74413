using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Ml.Evaluation;
using Orchestrator.Operations.Artifacts;

namespace Orchestrator.Operations.Evidence;

/// <summary>A stored evaluation evidence: its index (the digest approvals sign), the files it names, and the report they render.</summary>
/// <param name="IndexDigest">The index's digest.</param>
/// <param name="Files">The files the index names, by file name.</param>
/// <param name="Report">The report, or null when it could not be read (<paramref name="Problem"/> says why).</param>
/// <param name="Problem">Why the report is missing, or null.</param>
public sealed record StoredEvidence(string IndexDigest, IReadOnlyDictionary<string, EvidenceFile> Files, EvidencePage? Report, string? Problem);

/// <summary>
/// Reads a stored evaluation evidence by its index digest: the index and report.json are fetched from the artifact store,
/// which checks every byte against its digest, and the report is parsed by the ML library's own reader.
/// </summary>
public sealed class EvidenceReader(BlobArtifactStore store)
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The evidence under <paramref name="indexDigest"/>; <paramref name="championVersion"/> is the ledger's champion (for the gate input).</summary>
    public async Task<StoredEvidence> ReadAsync(string indexDigest, int? championVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(indexDigest);
        var files = (IReadOnlyDictionary<string, EvidenceFile>)new Dictionary<string, EvidenceFile>();
        try
        {
            files = EvidenceBundle.Parse(await store.GetAsync(indexDigest, cancellationToken).ConfigureAwait(false)).Files;
            if (!files.TryGetValue("report.json", out var json))
            {
                return new StoredEvidence(indexDigest, files, null, "The evidence names no report.json.");
            }

            var report = EvidenceReport.FromJson(await store.GetAsync(json.Digest, cancellationToken).ConfigureAwait(false));
            return new StoredEvidence(indexDigest, files, Page(report, championVersion), null);
        }
        catch (ArtifactIntegrityException e)
        {
            return new StoredEvidence(indexDigest, files, null, $"A stored evidence file does not hash to its name: {e.Message}. Do not sign.");
        }
        catch (Exception e) when (e is ArtifactNotFoundException or JsonException or InvalidDataException or KeyNotFoundException or IndexOutOfRangeException)
        {
            return new StoredEvidence(indexDigest, files, null, $"The evidence could not be read: {e.Message}");
        }
    }

    /// <summary>
    /// A PNG plot the evidence under <paramref name="indexDigest"/> names as <paramref name="file"/> (hash-checked), or null
    /// when the index does not name it as an image or its bytes are not a PNG.
    /// </summary>
    public async Task<byte[]?> PlotAsync(string indexDigest, string file, CancellationToken cancellationToken)
    {
        if (!Digest.IsValid(indexDigest) || !file.EndsWith(".png", StringComparison.Ordinal))
        {
            return null;
        }

        var index = EvidenceBundle.Parse(await store.GetAsync(indexDigest, cancellationToken).ConfigureAwait(false));
        if (!index.Files.TryGetValue(file, out var named) || named.MediaType != "image/png")
        {
            return null;
        }

        var bytes = await store.GetAsync(named.Digest, cancellationToken).ConfigureAwait(false);
        return bytes.AsSpan().StartsWith(PngSignature) ? bytes : null;
    }

    /// <summary>The report as a reader sees it, with the gate's input derived from it.</summary>
    public static EvidencePage Page(EvidenceReport report, int? championVersion)
    {
        ArgumentNullException.ThrowIfNull(report);
        // A multi-label report has no single-label figures: its page shows macro figures at the recorded thresholds and no accuracy
        // or calibration (NaN), and its per-class rows are its labels at their thresholds.
        var m = report.Metrics;
        var ml = report.MultiLabel?.Metrics;
        return new EvidencePage(
            report.ModelName,
            report.ModelVersion,
            report.ModelDigest,
            report.DatasetDigest,
            report.ClassNames,
            m is not null
                ? new EvidenceMetrics(m.Count, m.Accuracy, m.MacroPrecision, m.MacroRecall, m.MacroF1, m.ExpectedCalibrationError, m.TopK, m.NonFiniteOutputs)
                : new EvidenceMetrics(ml?.Count ?? 0, double.NaN, ml?.MacroPrecision ?? double.NaN, ml?.MacroRecall ?? double.NaN, ml?.MacroF1 ?? double.NaN, double.NaN,
                    new Dictionary<int, double>(), ml?.NonFiniteOutputs ?? 0),
            m is not null
                ? [.. m.PerClass.Select(c => new EvidenceClass(report.ClassNames[c.Class], c.Precision, c.Recall, c.F1, c.Support))]
                : [.. (ml?.PerLabel ?? []).Select(l => new EvidenceClass(report.ClassNames[l.Label], l.Precision, l.Recall, l.F1, l.Support))],
            [.. report.Slices.Slices.Select(s => new EvidenceSlice(s.Attribute, s.Value, s.Count, s.Accuracy, s.MacroF1))],
            report.Slices.Worst is { } worst ? $"{worst.Attribute}={worst.Value}" : null,
            report.Slices.MeasuredWorstSliceGap(), // NaN: the console shows "not measured"
            [.. report.Robustness.Select(r => new EvidenceRobustness(r.Perturbation, r.Accuracy, r.Drop))],
            report.Champion is { } c
                ? new EvidenceChampion(c.ChampionAccuracy, c.ChallengerAccuracy, c.Method, c.PValue, c.OnlyChampionCorrect, c.OnlyChallengerCorrect)
                : null,
            report.ChampionVersion,
            report.ParityMaxAbsError,
            [.. report.TrainingHistory.Select(e => new EvidenceEpoch(e.Epoch, e.TrainLoss, e.ValidationLoss, e.ValidationAccuracy))],
            new EvidenceCard(report.Card.IntendedUse, report.Card.OutOfScope, report.Card.TrainingData),
            EvaluationFacts.Evidence(report, championVersion));
    }
}
