using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Ml.Evaluation;
using Orchestrator.Workflows.Evaluate;
using AuditChampion = Orchestrator.Audit.Events.Models.ChampionComparison;
using GateChampion = Orchestrator.Workflows.Evaluate.ChampionComparison;

namespace Orchestrator.Operations.Evidence;

/// <summary>
/// The two views of one evidence report: what the pure gate decides on, and what the ledger keeps.
/// Both are derived from the stored report, so an auditor can recompute either from its bytes.
/// </summary>
public static class EvaluationFacts
{
    /// <summary>A gate finding as the evidence report shows it ("passed", "failed", "not-measured", "waived").</summary>
    public static GateCheckLine Line(EvaluationFinding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return new GateCheckLine(finding.Check, System.Text.Json.JsonSerializer.Serialize(finding.Outcome).Trim('"'), finding.Detail, finding.Waiver);
    }

    /// <summary>The gate's input.</summary>
    public static EvaluationEvidence Evidence(EvidenceReport report, int? championVersion)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Metrics is not { } m)
        {
            return MultiLabelEvidence(report, championVersion);
        }

        return new EvaluationEvidence(
            m.Accuracy,
            m.MacroF1,
            m.PerClass.ToDictionary(c => report.ClassNames[c.Class], c => c.Recall, StringComparer.Ordinal),
            m.ExpectedCalibrationError,
            report.Slices.Worst is { } worst ? $"{worst.Attribute}={worst.Value}" : null,
            report.Slices.WorstSliceGap,
            report.Robustness.ToDictionary(r => r.Perturbation, r => r.Drop, StringComparer.Ordinal),
            report.ParityMaxAbsError,
            report.Champion is { } c && championVersion is { } v ? new GateChampion($"v{v}", c.ChampionAccuracy, c.ChallengerAccuracy, c.PValue) : null,
            m.Count,
            m.NonFiniteOutputs);
    }

    /// <summary>
    /// A multi-label model's gate input: macro F1 and per-label recall at the recorded thresholds, mean and per-label average precision
    /// (labels present in the test split). Accuracy and calibration are NaN and slices, robustness and the champion comparison absent,
    /// because they are single-label measurements this model does not have: checks a policy sets on them are not measured (ADR 0042).
    /// A production champion that exists but could not be compared is a comparison with NaN figures, so champion checks are not measured either.
    /// </summary>
    private static EvaluationEvidence MultiLabelEvidence(EvidenceReport report, int? championVersion)
    {
        var ml = report.MultiLabel ?? throw new InvalidDataException("The evidence report has neither single-label nor multi-label figures.");
        var m = ml.Metrics;
        string Name(int label) => report.ClassNames[label];
        return new EvaluationEvidence(
            double.NaN,
            m.MacroF1,
            m.PerLabel.ToDictionary(l => Name(l.Label), l => l.Recall, StringComparer.Ordinal),
            double.NaN,
            null,
            double.NaN,
            new Dictionary<string, double>(),
            report.ParityMaxAbsError,
            championVersion is { } v ? new GateChampion($"v{v}", double.NaN, double.NaN, double.NaN) : null,
            m.Count,
            m.NonFiniteOutputs,
            m.MeanAveragePrecision,
            m.PerLabel.Where(l => l.Support > 0).ToDictionary(l => Name(l.Label), l => l.AveragePrecision, StringComparer.Ordinal),
            MultiLabel: true);
    }

    /// <summary>The ModelEvaluated event; non-finite and unmeasured figures are left out (the ledger's canonical JSON has no NaN).</summary>
    public static ModelEvaluated Event(int version, EvidenceReport report, int? championVersion, EvaluationVerdict verdict, string policyVersion)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(verdict);
        if (report.Metrics is not { } m)
        {
            return MultiLabelEvent(version, report, verdict, policyVersion);
        }

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["accuracy"] = m.Accuracy,
            ["macro-precision"] = m.MacroPrecision,
            ["macro-recall"] = m.MacroRecall,
            ["macro-f1"] = m.MacroF1,
            ["micro-precision"] = m.MicroPrecision,
            ["micro-recall"] = m.MicroRecall,
            ["micro-f1"] = m.MicroF1,
            ["expected-calibration-error"] = m.ExpectedCalibrationError,
            // Not measured (NaN) is left out below, so the ledger records no figure.
            ["worst-slice-gap"] = report.Slices.MeasuredWorstSliceGap(),
            ["onnx-parity-max-abs-error"] = report.ParityMaxAbsError,
            ["test-images"] = m.Count,
            ["non-finite-outputs"] = m.NonFiniteOutputs,
        };
        foreach (var (k, accuracy) in m.TopK)
        {
            metrics[$"top-{k}-accuracy"] = accuracy;
        }

        if (report.Champion is { } champion)
        {
            metrics["champion-mcnemar-p"] = champion.PValue;
        }

        var perClass = m.PerClass.ToDictionary<ClassMetrics, string, IReadOnlyDictionary<string, double>>(
            c => report.ClassNames[c.Class],
            c => Finite(new Dictionary<string, double> { ["precision"] = c.Precision, ["recall"] = c.Recall, ["f1"] = c.F1, ["support"] = c.Support }),
            StringComparer.Ordinal);
        var perSlice = report.Slices.Slices.ToDictionary<SliceResult, string, IReadOnlyDictionary<string, double>>(
            s => $"{s.Attribute}={s.Value}",
            s => Finite(new Dictionary<string, double> { ["count"] = s.Count, ["accuracy"] = s.Accuracy, ["macro-f1"] = s.MacroF1 }),
            StringComparer.Ordinal);
        var robustness = Finite(report.Robustness.ToDictionary(r => r.Perturbation, r => r.Accuracy, StringComparer.Ordinal));
        var comparison = report.Champion is { } c2 && championVersion is { } v
            ? new AuditChampion(v, "accuracy", c2.ChampionAccuracy, c2.ChallengerAccuracy)
            : null;
        return new ModelEvaluated(version, Finite(metrics), perClass, perSlice, robustness, comparison,
            verdict.Passed ? GateVerdict.Passed : GateVerdict.Failed, policyVersion);
    }

    /// <summary>A multi-label model's ModelEvaluated: its figures, and per label its threshold (recorded with the version) and figures at it.</summary>
    private static ModelEvaluated MultiLabelEvent(int version, EvidenceReport report, EvaluationVerdict verdict, string policyVersion)
    {
        var ml = report.MultiLabel ?? throw new InvalidDataException("The evidence report has neither single-label nor multi-label figures.");
        var m = ml.Metrics;
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["mean-average-precision"] = m.MeanAveragePrecision,
            ["labels-without-test-positives"] = m.LabelsWithoutPositives,
            ["macro-precision"] = m.MacroPrecision,
            ["macro-recall"] = m.MacroRecall,
            ["macro-f1"] = m.MacroF1,
            ["micro-precision"] = m.MicroPrecision,
            ["micro-recall"] = m.MicroRecall,
            ["micro-f1"] = m.MicroF1,
            ["subset-accuracy"] = m.SubsetAccuracy,
            ["hamming-loss"] = m.HammingLoss,
            ["onnx-parity-max-abs-error"] = report.ParityMaxAbsError,
            ["test-images"] = m.Count,
            ["non-finite-outputs"] = m.NonFiniteOutputs,
        };
        var perLabel = m.PerLabel.ToDictionary<Ml.Evaluation.MultiLabel.LabelMetrics, string, IReadOnlyDictionary<string, double>>(
            l => report.ClassNames[l.Label],
            l => Finite(new Dictionary<string, double>
            {
                ["threshold"] = l.Threshold, ["precision"] = l.Precision, ["recall"] = l.Recall, ["f1"] = l.F1, ["average-precision"] = l.AveragePrecision, ["support"] = l.Support,
            }),
            StringComparer.Ordinal);
        return new ModelEvaluated(version, Finite(metrics), perLabel, new Dictionary<string, IReadOnlyDictionary<string, double>>(), new Dictionary<string, double>(), null,
            verdict.Passed ? GateVerdict.Passed : GateVerdict.Failed, policyVersion);
    }

    private static Dictionary<string, double> Finite(Dictionary<string, double> values) =>
        values.Where(p => double.IsFinite(p.Value)).ToDictionary(StringComparer.Ordinal);
}
