using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Ml.Evaluation.Plots;
using Orchestrator.Ml.Training;

namespace Orchestrator.Ml.Evaluation;

/// <summary>What a model card states beyond the measurements: purpose and data provenance.</summary>
/// <param name="IntendedUse">What the model is for and for whom.</param>
/// <param name="OutOfScope">Uses the model is not meant for.</param>
/// <param name="TrainingData">Dataset name, version/digest, size and class balance in a sentence or two.</param>
/// <param name="Training">How the model was trained, as the run's training evidence recorded it (recipe, base model, preprocessing); null when unknown.</param>
/// <param name="LabelAudit">Who reviewed the labels' gold-set spot audit, as the QC evidence recorded it: a person (named) or a simulated
/// audit (the source's own labels), said in so many words; null when the run recorded none.</param>
public sealed record ModelCardFacts(string IntendedUse, string OutOfScope, string TrainingData, IReadOnlyDictionary<string, string>? Training = null,
    string? LabelAudit = null);

/// <summary>A multi-label model's figures on the test split at the thresholds chosen on the validation split.</summary>
/// <param name="Metrics">Per-label precision, recall, F1 and average precision, macro/micro F1 and mean average precision.</param>
/// <param name="Thresholds">Each label's decision threshold and how it was chosen.</param>
public sealed record MultiLabelEvidence(MultiLabel.MultiLabelMetrics Metrics, IReadOnlyList<MultiLabel.LabelThreshold> Thresholds);

/// <summary>One check of the evaluation gate as the report shows it.</summary>
/// <param name="Check">The check's name (as a policy waiver names it after "evaluation.").</param>
/// <param name="Outcome">"passed", "failed", "not-measured" or "waived".</param>
/// <param name="Detail">The measured value (or why there is none) and the threshold.</param>
/// <param name="Waiver">The policy's reason for a waived check.</param>
public sealed record GateCheckLine(string Check, string Outcome, string Detail, string? Waiver = null);

/// <summary>
/// The evaluation evidence approvers review: identity of model and data, all metrics, slices,
/// robustness, the champion comparison, parity, and the training history. Rendered as JSON (the
/// machine-readable record whose digest goes into the audit event), Markdown, a model card and PNG plots.
/// <see cref="Gate"/> holds the evaluation gate's checks with their outcomes (null in reports from before they were shown);
/// <see cref="MultiLabel"/> a multi-label model's per-label figures and thresholds (null for single-label models). A multi-label
/// report has no single-label figures: <see cref="Metrics"/> is null there (no accuracy, confusion matrix or calibration is claimed).
/// </summary>
public sealed record EvidenceReport(
    string ModelName,
    string ModelVersion,
    string ModelDigest,
    string DatasetDigest,
    IReadOnlyList<string> ClassNames,
    ClassificationMetrics? Metrics,
    SliceReport Slices,
    IReadOnlyList<RobustnessResult> Robustness,
    ChampionChallengerResult? Champion,
    string? ChampionVersion,
    double ParityMaxAbsError,
    IReadOnlyList<EpochMetrics> TrainingHistory,
    ModelCardFacts Card,
    IReadOnlyList<GateCheckLine>? Gate = null,
    MultiLabelEvidence? MultiLabel = null)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    /// <summary>
    /// File name to bytes: report.json, report.md, model-card.md and the PNG plots (training curves; single-label reports also the
    /// confusion matrix and the reliability diagram, which a multi-label model does not have).
    /// </summary>
    public IReadOnlyDictionary<string, byte[]> Render()
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["report.json"] = ToJson(),
            ["report.md"] = System.Text.Encoding.UTF8.GetBytes(ReportMarkdown.Report(this)),
            ["model-card.md"] = System.Text.Encoding.UTF8.GetBytes(ReportMarkdown.ModelCard(this)),
            ["training-curves.png"] = Charts.TrainingCurves(TrainingHistory),
        };
        if (Metrics is { } m)
        {
            files["confusion-matrix.png"] = Charts.ConfusionMatrix(m.ConfusionMatrix, ClassNames);
            files["reliability.png"] = Charts.ReliabilityDiagram(m.Reliability, m.ExpectedCalibrationError);
        }

        return files;
    }

    /// <summary>The JSON form (stable property order, camelCase, NaN spelled out).</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Parses <see cref="ToJson"/> output.</summary>
    public static EvidenceReport FromJson(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<EvidenceReport>(json, Json) ?? throw new InvalidDataException("Empty evidence report.");
}
