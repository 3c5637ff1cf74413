namespace Orchestrator.Ml.Evaluation;

/// <summary>Figures of one slice, e.g. attribute "lighting" = "night".</summary>
public sealed record SliceResult(string Attribute, string Value, int Count, double Accuracy, double MacroF1);

/// <summary>All slices, and the gap between overall accuracy and the worst slice large enough to judge.</summary>
public sealed record SliceReport(IReadOnlyList<SliceResult> Slices, SliceResult? Worst, double WorstSliceGap)
{
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
            var subset = ClassificationMetrics.Compute(predictions.Subset(g.Value), topK: [1]);
            return new SliceResult(g.Key.Item1, g.Key.Item2, g.Value.Count, subset.Accuracy, subset.MacroF1);
        }).ToArray();
        var worst = slices.Where(s => s.Count >= minCount).MinBy(s => s.Accuracy);
        return new SliceReport(slices, worst, worst is null ? 0 : Math.Max(0, overall - worst.Accuracy));
    }
}
