namespace Orchestrator.Ml.Evaluation.MultiLabel;

/// <summary>One label's figures at its decision threshold.</summary>
/// <param name="Label">Label index.</param>
/// <param name="Threshold">The decision threshold applied (probability at least this: predicted).</param>
/// <param name="Precision">TP / predicted; 0 when the label was never predicted.</param>
/// <param name="Recall">TP / support; 0 when the split has no positive.</param>
/// <param name="F1">Harmonic mean of precision and recall; 0 when both are 0.</param>
/// <param name="AveragePrecision">Threshold-free ranking quality (<see cref="MultiLabel.AveragePrecision"/>); NaN without positives.</param>
/// <param name="Support">Items carrying the label.</param>
/// <param name="PredictedCount">Items the model gave the label.</param>
public sealed record LabelMetrics(int Label, double Threshold, double Precision, double Recall, double F1, double AveragePrecision, int Support, int PredictedCount);

/// <summary>
/// Multi-label figures. Macro averages weigh every label of the model equally, including labels absent from
/// the split (as <see cref="ClassificationMetrics"/> does for classes); micro averages pool every item-label
/// decision. Mean average precision averages AP over the labels that have a positive in the split
/// (<see cref="LabelsWithoutPositives"/> says how many were left out); it is NaN when none has, so no gate can
/// pass on it. Items with non-finite outputs predict nothing and are never ranked (ADR 0029).
/// </summary>
public sealed record MultiLabelMetrics(
    int Count,
    double MacroPrecision,
    double MacroRecall,
    double MacroF1,
    double MicroPrecision,
    double MicroRecall,
    double MicroF1,
    double MeanAveragePrecision,
    int LabelsWithoutPositives,
    double SubsetAccuracy,
    double HammingLoss,
    IReadOnlyList<LabelMetrics> PerLabel,
    int NonFiniteOutputs)
{
    /// <summary>Computes everything at the given per-label <paramref name="thresholds"/> (one per label, each in [0, 1]).</summary>
    public static MultiLabelMetrics Compute(MultiLabelPredictions predictions, IReadOnlyList<double> thresholds)
    {
        const string what = "MultiLabelMetrics.Compute";
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(thresholds);
        ArgumentOutOfRangeException.ThrowIfZero(predictions.Count);
        var labels = predictions.LabelCount;
        if (thresholds.Count != labels)
        {
            throw new ArgumentException($"{what}: {thresholds.Count} thresholds for {labels} labels; give one per label.", nameof(thresholds));
        }

        InputChecks.RequireFinite(thresholds, what, "the thresholds", "thresholds are probabilities in [0, 1].", nameof(thresholds));
        for (var k = 0; k < labels; k++)
        {
            if (thresholds[k] is < 0 or > 1)
            {
                throw new ArgumentException($"{what}: the threshold of label {k} is {InputChecks.Describe(thresholds[k])}, not a probability in [0, 1].", nameof(thresholds));
            }
        }

        var tp = new int[labels];
        var predicted = new int[labels];
        var support = new int[labels];
        int exact = 0, wrongCells = 0;
        for (var i = 0; i < predictions.Count; i++)
        {
            var finite = predictions.HasFiniteOutput(i);
            var row = predictions.Row(i);
            var matches = finite;
            for (var k = 0; k < labels; k++)
            {
                var truth = predictions.IsTrue(i, k);
                var says = finite && row[k] >= thresholds[k];
                support[k] += truth ? 1 : 0;
                predicted[k] += says ? 1 : 0;
                tp[k] += truth && says ? 1 : 0;
                matches &= truth == says;
                wrongCells += !finite || truth != says ? 1 : 0;
            }

            exact += matches ? 1 : 0;
        }

        var perLabel = new LabelMetrics[labels];
        for (var k = 0; k < labels; k++)
        {
            var (scores, positives, unscored) = predictions.Column(k);
            var (precision, recall, f1) = Figures(tp[k], predicted[k], support[k]);
            perLabel[k] = new LabelMetrics(k, thresholds[k], precision, recall, f1, AveragePrecision.Compute(scores, positives, unscored), support[k], predicted[k]);
        }

        var (microP, microR, microF1) = Figures(tp.Sum(), predicted.Sum(), support.Sum());
        var ranked = perLabel.Where(l => l.Support > 0).ToList();
        return new MultiLabelMetrics(
            predictions.Count,
            perLabel.Average(l => l.Precision), perLabel.Average(l => l.Recall), perLabel.Average(l => l.F1),
            microP, microR, microF1,
            ranked.Count == 0 ? double.NaN : ranked.Average(l => l.AveragePrecision),
            labels - ranked.Count,
            (double)exact / predictions.Count,
            (double)wrongCells / (predictions.Count * (double)labels),
            perLabel,
            predictions.NonFiniteCount);
    }

    private static (double Precision, double Recall, double F1) Figures(int truePositives, int predicted, int support)
    {
        var precision = predicted == 0 ? 0 : (double)truePositives / predicted;
        var recall = support == 0 ? 0 : (double)truePositives / support;
        return (precision, recall, precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall));
    }
}
