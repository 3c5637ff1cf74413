using System.Globalization;
using System.Text;

namespace Orchestrator.Ml.Evaluation;

/// <summary>The human-readable renderings of an <see cref="EvidenceReport"/>.</summary>
internal static class ReportMarkdown
{
    public static string Report(EvidenceReport r)
    {
        var s = new StringBuilder();
        Line(s, $"# Evaluation evidence: {r.ModelName} {r.ModelVersion}");
        Line(s, $"Model `{r.ModelDigest}` on test split of dataset `{r.DatasetDigest}` ({r.Metrics?.Count ?? r.MultiLabel?.Metrics.Count ?? 0} images).");
        if (r.Card.LabelAudit is { } labelAudit)
        {
            Line(s, $"\nLabel audit: {labelAudit}");
        }

        Gate(s, r.Gate);
        MultiLabelTable(s, r);
        if (r.Metrics is not { } m)
        {
            // A multi-label model: its figures are the table above; single-label figures (accuracy, confusion, calibration) do not exist for it.
            Line(s, $"\nONNX parity (max abs logit error) {r.ParityMaxAbsError:0.###E+0}. Accuracy, the confusion matrix, calibration, slices, robustness and the champion comparison are single-label measurements and were not measured for this multi-label model.");
            Line(s, "\n## Training\n\n![training curves](training-curves.png)");
            return s.ToString();
        }

        Line(s, $"\n## Summary\n\n| metric | value |\n|---|---|");
        Line(s, $"| accuracy | {m.Accuracy:0.0000} |\n| macro precision / recall / F1 | {m.MacroPrecision:0.0000} / {m.MacroRecall:0.0000} / {m.MacroF1:0.0000} |");
        Line(s, $"| micro precision / recall / F1 | {m.MicroPrecision:0.0000} / {m.MicroRecall:0.0000} / {m.MicroF1:0.0000} |");
        foreach (var (k, v) in m.TopK.OrderBy(p => p.Key))
        {
            Line(s, $"| top-{k} accuracy | {v:0.0000} |");
        }

        if (m.NonFiniteOutputs > 0)
        {
            Line(s, $"| non-finite model outputs (NaN or infinity, scored wrong) | {m.NonFiniteOutputs} of {m.Count} |");
        }

        Line(s, $"| expected calibration error | {m.ExpectedCalibrationError:0.0000} |\n| ONNX parity (max abs logit error) | {r.ParityMaxAbsError:0.###E+0} |");
        // Without a slice large enough to judge, the report's gap of 0 is no measurement: it is not shown as one.
        Line(s, r.Slices.Worst is null ? "| worst-slice gap | not measured (no slice large enough) |" : Invariant($"| worst-slice gap | {r.Slices.WorstSliceGap:0.0000} ({Slice(r.Slices.Worst)}) |"));
        Line(s, $"\n## Per class\n\n| class | precision | recall | F1 | support |\n|---|---|---|---|---|");
        foreach (var c in m.PerClass)
        {
            Line(s, $"| {r.ClassNames[c.Class]} | {c.Precision:0.0000} | {c.Recall:0.0000} | {c.F1:0.0000} | {c.Support} |");
        }

        Line(s, $"\n![confusion matrix](confusion-matrix.png)\n\n## Slices\n\n| slice | images | accuracy | macro F1 | FPR | FNR |\n|---|---|---|---|---|---|");
        foreach (var slice in r.Slices.Slices)
        {
            Line(s, $"| {slice.Attribute}={slice.Value} | {slice.Count} | {slice.Accuracy:0.0000} | {slice.MacroF1:0.0000} | {slice.FalsePositiveRate:0.0000} | {slice.FalseNegativeRate:0.0000} |");
        }

        if (r.Slices.Slices.Count == 0)
        {
            Line(s, "| (none: the data carries no slice metadata) | | | | | |");
        }

        Line(s, $"\n## Robustness\n\n| perturbation | accuracy | drop |\n|---|---|---|");
        foreach (var x in r.Robustness)
        {
            Line(s, $"| {x.Perturbation} | {x.Accuracy:0.0000} | {x.Drop:0.0000} |");
        }

        Line(s, $"\n## Champion / challenger");
        Line(s, r.Champion is { } c2
            ? Invariant($"Champion {r.ChampionVersion}: {c2.ChampionAccuracy:0.0000}, challenger: {c2.ChallengerAccuracy:0.0000}; discordant pairs {c2.OnlyChampionCorrect} (champion only) / {c2.OnlyChallengerCorrect} (challenger only); McNemar ({c2.Method}) statistic {c2.Statistic:0.####}, p = {c2.PValue:0.####}.")
            : "No production model to compare against.");
        Line(s, $"\n## Calibration and training\n\n![reliability diagram](reliability.png)\n\n![training curves](training-curves.png)");
        return s.ToString();
    }

    public static string ModelCard(EvidenceReport r)
    {
        var s = new StringBuilder();
        Line(s, $"# Model card: {r.ModelName} {r.ModelVersion}\n\nDigest `{r.ModelDigest}`; classes: {string.Join(", ", r.ClassNames)}.");
        Line(s, $"\n## Intended use\n\n{r.Card.IntendedUse}\n\nOut of scope: {r.Card.OutOfScope}");
        Line(s, $"\n## Training data\n\n{r.Card.TrainingData}");
        if (r.Card.LabelAudit is { } labelAudit)
        {
            Line(s, $"\nLabel audit: {labelAudit}");
        }

        if (r.Card.Training is { Count: > 0 } training)
        {
            // Every setting the run's training evidence recorded, verbatim: the recipe, the base model and the preprocessing.
            Line(s, "\n## Training\n\n| setting | value |\n|---|---|");
            foreach (var (key, value) in training.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                Line(s, $"| {key} | {value.Replace("|", "\\|", StringComparison.Ordinal)} |");
            }
        }

        MultiLabelTable(s, r);
        Line(s, r.Metrics is { } m
            ? Invariant($"\n## Performance\n\nTest accuracy {m.Accuracy:0.0000}, macro F1 {m.MacroF1:0.0000}, ECE {m.ExpectedCalibrationError:0.0000} on {m.Count} images.")
            : "\n## Performance\n\nA multi-label model: see the per-label figures above (accuracy and calibration are single-label measurements, not measured).");
        if (r.Gate is { } gate && gate.Any(c => c.Outcome is "waived" or "not-measured"))
        {
            Line(s, "\n## Checks not measured\n");
            foreach (var check in gate.Where(c => c.Outcome is "waived" or "not-measured"))
            {
                Line(s, check.Outcome == "waived" ? $"- {check.Check}: waived by the policy: {check.Waiver}" : $"- {check.Check}: not measured, so the gate failed: {check.Detail}");
            }
        }

        Line(s, $"\n## Limitations and known failure modes\n");
        foreach (var limitation in Limitations(r))
        {
            Line(s, $"- {limitation}");
        }

        return s.ToString();
    }

    // Drawn from the measurements, so the card cannot claim more than the evidence shows.
    private static IEnumerable<string> Limitations(EvidenceReport r)
    {
        if (r.Metrics is null)
        {
            foreach (var label in r.MultiLabel?.Metrics.PerLabel.Where(l => l.Support == 0) ?? [])
            {
                yield return Invariant($"Label '{Name(r, label.Label)}' has no positive in the test split: its figures say nothing about it.");
            }

            yield return "Evaluated only on the listed test split; performance on other image sources is unmeasured.";
            yield break;
        }

        var overall = r.Metrics.Accuracy;
        foreach (var slice in r.Slices.Slices.Where(x => overall - x.Accuracy > 0.02).OrderBy(x => x.Accuracy))
        {
            yield return Invariant($"Weaker on {slice.Attribute}={slice.Value}: accuracy {slice.Accuracy:0.0000} vs {overall:0.0000} overall ({slice.Count} images).");
        }

        foreach (var x in r.Robustness.Where(x => x.Drop > 0.02).OrderByDescending(x => x.Drop))
        {
            yield return Invariant($"Sensitive to {x.Perturbation}: accuracy falls by {x.Drop:0.0000} to {x.Accuracy:0.0000}.");
        }

        foreach (var c in r.Metrics.PerClass.Where(c => c.Recall < overall - 0.02))
        {
            yield return Invariant($"Class '{r.ClassNames[c.Class]}' is recognised less reliably (recall {c.Recall:0.0000}).");
        }

        if (r.Metrics.ExpectedCalibrationError > 0.05)
        {
            yield return Invariant($"Confidence scores are miscalibrated (ECE {r.Metrics.ExpectedCalibrationError:0.0000}); do not read them as probabilities.");
        }

        yield return "Evaluated only on the listed test split; performance on other image sources is unmeasured.";
    }

    /// <summary>Every check of the evaluation gate with its outcome; waived checks show the policy's reason.</summary>
    private static void Gate(StringBuilder s, IReadOnlyList<GateCheckLine>? gate)
    {
        if (gate is null)
        {
            return;
        }

        Line(s, "\n## Gate checks\n\nEach check is passed, failed, not-measured (fails the gate) or waived (not measured; the policy waives it with the reason shown).\n\n| check | outcome | detail |\n|---|---|---|");
        foreach (var check in gate)
        {
            Line(s, $"| {check.Check} | {check.Outcome} | {check.Detail}{(check.Waiver is { } reason ? $" (waiver: {reason})" : "")} |");
        }
    }

    private static string Slice(SliceResult? slice) => slice is null ? "no slice large enough" : $"{slice.Attribute}={slice.Value}";

    /// <summary>Per-label figures and the thresholds they were taken at; a label absent from the test split shows "n/a" for AP.</summary>
    private static void MultiLabelTable(StringBuilder s, EvidenceReport r)
    {
        if (r.MultiLabel is not { } ml)
        {
            return;
        }

        var m = ml.Metrics;
        Line(s, $"\n## Multi-label tagging\n\nMean average precision {Figure(m.MeanAveragePrecision)} over {m.PerLabel.Count - m.LabelsWithoutPositives} of {m.PerLabel.Count} labels present in the test split; "
            + $"macro F1 {m.MacroF1:0.0000}, micro F1 {m.MicroF1:0.0000}, subset accuracy {m.SubsetAccuracy:0.0000}, Hamming loss {m.HammingLoss:0.0000} on {m.Count} images.");
        Line(s, "\n| label | threshold | chosen by | precision | recall | F1 | average precision | support |\n|---|---|---|---|---|---|---|---|");
        foreach (var label in m.PerLabel)
        {
            var threshold = ml.Thresholds.FirstOrDefault(t => t.Label == label.Label);
            var basis = threshold?.Basis switch
            {
                MultiLabel.ThresholdBasis.MaximisedValidationF1 => Invariant($"max validation F1 ({threshold.ValidationF1:0.0000})"),
                MultiLabel.ThresholdBasis.NoValidationPositives => "default: no validation positive",
                _ => "not recorded",
            };
            Line(s, $"| {Name(r, label.Label)} | {label.Threshold:0.0000} | {basis} | {label.Precision:0.0000} | {label.Recall:0.0000} | {label.F1:0.0000} | {Figure(label.AveragePrecision)} | {label.Support} |");
        }
    }

    private static string Name(EvidenceReport r, int label) => label < r.ClassNames.Count ? r.ClassNames[label] : Invariant($"#{label}");

    // An undefined figure (no positive in the split) is not measured, never a number or a bare "n/a".
    private static string Figure(double value) => double.IsNaN(value) ? "not measured" : value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static void Line(StringBuilder s, FormattableString text) => s.AppendLine(text.ToString(CultureInfo.InvariantCulture));

    private static void Line(StringBuilder s, string text) => s.AppendLine(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
