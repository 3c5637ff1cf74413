namespace Orchestrator.Ml.Evaluation;

/// <summary>
/// A model's output on a split: true labels, predicted labels and class probabilities (row-major,
/// items x classes), plus each item's slice attributes. The input of every metric.
/// A row holding NaN or an infinity is the model failing on that item: it is accepted, counted in
/// <see cref="NonFiniteCount"/>, has no predicted class (<see cref="NoPrediction"/>) and is wrong in every
/// metric, so the evaluation completes and its gate can fail on it. Any other row must be a probability
/// distribution (values in [0, 1] summing to 1): raw logits are refused.
/// </summary>
public sealed class Predictions
{
    /// <summary>The predicted class of an item whose outputs are not all finite.</summary>
    public const int NoPrediction = -1;

    public Predictions(int classCount, int[] labels, float[] probabilities, IReadOnlyList<IReadOnlyDictionary<string, string>?>? slices = null)
    {
        const string what = "Predictions";
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        if (probabilities.Length != labels.Length * classCount)
        {
            throw new ArgumentException($"{what}: {probabilities.Length} probabilities for {labels.Length} items of {classCount} classes.", nameof(probabilities));
        }

        for (var i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentException($"{what}: item {i} has label {labels[i]}, outside 0..{classCount - 1}.", nameof(labels));
            }
        }

        if (slices is not null && slices.Count != labels.Length)
        {
            throw new ArgumentException($"{what}: {slices.Count} slice entries for {labels.Length} items; give one per item (null where an item has none).", nameof(slices));
        }

        ClassCount = classCount;
        Labels = labels;
        Probabilities = probabilities;
        Slices = slices;
        Predicted = new int[labels.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            var row = Row(i);
            if (InputChecks.IsFinite(row))
            {
                InputChecks.RequireProbabilities(row, i, what, nameof(probabilities));
                Predicted[i] = ArgMax(row);
            }
            else
            {
                Predicted[i] = NoPrediction;
                NonFiniteCount++;
            }
        }
    }

    public int ClassCount { get; }

    public int Count => Labels.Count;

    public IReadOnlyList<int> Labels { get; }

    /// <summary>The most probable class of each item; <see cref="NoPrediction"/> where the outputs are not all finite.</summary>
    public int[] Predicted { get; }

    public IReadOnlyList<IReadOnlyDictionary<string, string>?>? Slices { get; }

    /// <summary>Items whose probability row holds NaN or an infinity: outputs the model failed to produce, scored wrong.</summary>
    public int NonFiniteCount { get; }

    internal float[] Probabilities { get; }

    /// <summary>Class probabilities of item <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Row(int index) => Probabilities.AsSpan(index * ClassCount, ClassCount);

    /// <summary>Whether item <paramref name="index"/>'s outputs are all finite (it has a prediction and a confidence).</summary>
    public bool HasFiniteOutput(int index) => Predicted[index] != NoPrediction;

    public bool IsCorrect(int index) => Predicted[index] == Labels[index];

    /// <summary>The items at <paramref name="indices"/>, e.g. one slice.</summary>
    public Predictions Subset(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var labels = new int[indices.Count];
        var probabilities = new float[indices.Count * ClassCount];
        for (var i = 0; i < indices.Count; i++)
        {
            labels[i] = Labels[indices[i]];
            Row(indices[i]).CopyTo(probabilities.AsSpan(i * ClassCount, ClassCount));
        }

        return new Predictions(ClassCount, labels, probabilities, Slices is null ? null : indices.Select(i => Slices[i]).ToArray());
    }

    internal static int ArgMax(ReadOnlySpan<float> row)
    {
        var best = 0;
        for (var k = 1; k < row.Length; k++)
        {
            if (row[k] > row[best])
            {
                best = k;
            }
        }

        return best;
    }
}
