namespace Orchestrator.Ml.Evaluation;

/// <summary>Figures of one slice, e.g. attribute "lighting" = "night".</summary>
/// <param name="Attribute">The slice attribute (e.g. "lighting").</param>
/// <param name="Value">Its value (e.g. "night").</param>
/// <param name="Count">Test items in the slice.</param>
/// <param name="Accuracy">Accuracy within the slice.</param>
/// <param name="MacroF1">Macro F1 within the slice.</param>
/// <param name="FalsePositiveRate">Macro average over classes of one-vs-rest FP / (FP + TN) within the slice (NaN: not measured, e.g. reports from before it was).</param>
/// <param name="FalseNegativeRate">Macro average over the slice's classes of FN / (FN + TP), i.e. 1 - macro recall (NaN: not measured).</param>
public sealed record SliceResult(string Attribute, string Value, int Count, double Accuracy, double MacroF1, double FalsePositiveRate = double.NaN, double FalseNegativeRate = double.NaN);

/// <summary>All slices, and the gap between overall accuracy and the worst slice large enough to judge.</summary>
public sealed record SliceReport(IReadOnlyList<SliceResult> Slices, SliceResult? Worst, double WorstSliceGap)
{
    /// <summary>
    /// The worst slice's gap, or NaN when no slice was large enough to judge: the report stores 0 then, which is no
    /// measurement. A method, so the stored report.json keeps its shape.
    /// </summary>
    public double MeasuredWorstSliceGap() => Worst is null ? double.NaN : WorstSliceGap;

    /// <summary>Groups items by every (attribute, value) pair; slices under <paramref name="minCount"/> items are listed but never "worst". Items with non-finite outputs count as wrong.</summary>
    public static SliceReport Compute(Predictions predictions, int minCount = 20)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentOutOfRangeException.ThrowIfZero(predictions.Count);
        var groups = new SortedDictionary<(string, string), List<int>>();
        for (var i = 0; i < predictions.Count; i++)
        {
            foreach (var (attribute, value) in predictions.Slices?[i] ?? new Dictionary<string, string>())
            {
                if (!groups.TryGetValue((attribute, value), out var members))
                {
                    groups[(attribute, value)] = members = [];
                }

                members.Add(i);
            }
        }

        var overall = predictions.Labels.Where((label, i) => predictions.Predicted[i] == label).Count() / (double)predictions.Count;
        var slices = groups.Select(g =>
        {
            var members = predictions.Subset(g.Value);
            var subset = ClassificationMetrics.Compute(members, topK: [1]);
            var (fpr, fnr) = ErrorRates(members);
            return new SliceResult(g.Key.Item1, g.Key.Item2, g.Value.Count, subset.Accuracy, subset.MacroF1, fpr, fnr);
        }).ToArray();
        var worst = slices.Where(s => s.Count >= minCount).MinBy(s => s.Accuracy);
        return new SliceReport(slices, worst, worst is null ? 0 : Math.Max(0, overall - worst.Accuracy));
    }

    /// <summary>
    /// Macro one-vs-rest error rates: per class, FPR over the items of other classes (classes with no such item left out)
    /// and FNR over the class's own items (classes absent from the slice left out); NaN when no class qualifies.
    /// </summary>
    public static (double FalsePositiveRate, double FalseNegativeRate) ErrorRates(Predictions predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var fprs = new List<double>();
        var fnrs = new List<double>();
        for (var k = 0; k < predictions.ClassCount; k++)
        {
            int tp = 0, fn = 0, fp = 0, tn = 0;
            for (var i = 0; i < predictions.Count; i++)
            {
                var actual = predictions.Labels[i] == k;
                var predicted = predictions.Predicted[i] == k;
                (tp, fn, fp, tn) = (actual, predicted) switch
                {
                    (true, true) => (tp + 1, fn, fp, tn),
                    (true, false) => (tp, fn + 1, fp, tn),
                    (false, true) => (tp, fn, fp + 1, tn),
                    _ => (tp, fn, fp, tn + 1),
                };
            }

            if (fp + tn > 0)
            {
                fprs.Add(fp / (double)(fp + tn));
            }

            if (tp + fn > 0)
            {
                fnrs.Add(fn / (double)(tp + fn));
            }
        }

        return (fprs.Count == 0 ? double.NaN : fprs.Average(), fnrs.Count == 0 ? double.NaN : fnrs.Average());
    }
}
