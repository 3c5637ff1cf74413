namespace Orchestrator.Ml.Evaluation.MultiLabel;

/// <summary>
/// A multi-label model's output on a split: for every item and label, whether the label is true and the
/// model's probability for it (row-major, items x labels; independent sigmoid outputs, not a distribution).
/// A row holding NaN or an infinity is the model failing on that item: it is accepted, counted in
/// <see cref="NonFiniteCount"/> and scored wrong everywhere (ADR 0029): it predicts no label, so each of its
/// true labels is a miss, and it is never ranked, so average precision never reaches its positives.
/// Any other value must be a probability in [0, 1]: raw logits are refused.
/// </summary>
public sealed class MultiLabelPredictions
{
    public MultiLabelPredictions(int labelCount, bool[] truth, float[] probabilities)
    {
        const string what = "MultiLabelPredictions";
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentOutOfRangeException.ThrowIfLessThan(labelCount, 1);
        if (truth.Length % labelCount != 0 || probabilities.Length != truth.Length)
        {
            throw new ArgumentException(
                $"{what}: {truth.Length} truth values and {probabilities.Length} probabilities for {labelCount} labels; both need items x labels values.",
                nameof(probabilities));
        }

        LabelCount = labelCount;
        Truth = truth;
        Probabilities = probabilities;
        Count = truth.Length / labelCount;
        Finite = new bool[Count];
        for (var i = 0; i < Count; i++)
        {
            var row = Row(i);
            Finite[i] = InputChecks.IsFinite(row);
            if (!Finite[i])
            {
                NonFiniteCount++;
                continue;
            }

            for (var k = 0; k < row.Length; k++)
            {
                if (row[k] is < 0 or > 1)
                {
                    throw new ArgumentException(
                        $"{what}: item {i} has {InputChecks.Describe(row[k])} for label {k}, not a probability in [0, 1]; raw logits need a sigmoid first.",
                        nameof(probabilities));
                }
            }
        }
    }

    /// <summary>How many labels each item is scored on.</summary>
    public int LabelCount { get; }

    /// <summary>How many items.</summary>
    public int Count { get; }

    /// <summary>Items x labels: whether the label belongs to the item.</summary>
    public bool[] Truth { get; }

    /// <summary>Items x labels: the model's probability for the label.</summary>
    public float[] Probabilities { get; }

    /// <summary>Items whose row holds NaN or an infinity.</summary>
    public int NonFiniteCount { get; }

    private bool[] Finite { get; }

    /// <summary>Builds the truth table from label-index sets; throws naming the item on an index outside 0..labelCount-1.</summary>
    public static MultiLabelPredictions FromSets(int labelCount, IReadOnlyList<IReadOnlyCollection<int>> labels, float[] probabilities)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(labelCount, 1);
        var truth = new bool[labels.Count * labelCount];
        for (var i = 0; i < labels.Count; i++)
        {
            foreach (var label in labels[i] ?? throw new ArgumentException($"MultiLabelPredictions: item {i} has no label set (give an empty one).", nameof(labels)))
            {
                if ((uint)label >= (uint)labelCount)
                {
                    throw new ArgumentException($"MultiLabelPredictions: item {i} has label {label}, outside 0..{labelCount - 1}.", nameof(labels));
                }

                truth[(i * labelCount) + label] = true;
            }
        }

        return new MultiLabelPredictions(labelCount, truth, probabilities);
    }

    /// <summary>Item <paramref name="item"/>'s probabilities.</summary>
    public ReadOnlySpan<float> Row(int item) => Probabilities.AsSpan(item * LabelCount, LabelCount);

    /// <summary>Whether every probability of the item is finite.</summary>
    public bool HasFiniteOutput(int item) => Finite[item];

    /// <summary>Whether label <paramref name="label"/> belongs to item <paramref name="item"/>.</summary>
    public bool IsTrue(int item, int label) => Truth[(item * LabelCount) + label];

    /// <summary>One label's column: the scores of the items with finite rows, whether each is a positive, and the positives left unscored.</summary>
    internal (double[] Scores, bool[] Positives, int UnscoredPositives) Column(int label)
    {
        var scores = new List<double>(Count);
        var positives = new List<bool>(Count);
        var unscored = 0;
        for (var i = 0; i < Count; i++)
        {
            if (Finite[i])
            {
                scores.Add(Probabilities[(i * LabelCount) + label]);
                positives.Add(IsTrue(i, label));
            }
            else
            {
                unscored += IsTrue(i, label) ? 1 : 0;
            }
        }

        return ([.. scores], [.. positives], unscored);
    }
}
