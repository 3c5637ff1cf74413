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
        var m = report.Metrics;
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

    /// <summary>The ModelEvaluated event; non-finite and unmeasured figures are left out (the ledger's canonical JSON has no NaN).</summary>
    public static ModelEvaluated Event(int version, EvidenceReport report, int? championVersion, EvaluationVerdict verdict, string policyVersion)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(verdict);
        var m = report.Metrics;
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
            // No slice large enough to judge: the gap was not measured, so the ledger records none (the report's 0 is no figure).
            ["worst-slice-gap"] = report.Slices.Worst is null ? double.NaN : report.Slices.WorstSliceGap,
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

    private static Dictionary<string, double> Finite(Dictionary<string, double> values) =>
        values.Where(p => double.IsFinite(p.Value)).ToDictionary(StringComparer.Ordinal);
}
