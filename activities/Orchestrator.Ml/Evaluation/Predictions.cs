namespace Orchestrator.Ml.Evaluation;

/// <summary>
/// A model's output on a split: true labels, predicted labels and class probabilities (row-major,
/// items x classes), plus each item's slice attributes. The input of every metric.
/// </summary>
public sealed class Predictions
{
    public Predictions(int classCount, int[] labels, float[] probabilities, IReadOnlyList<IReadOnlyDictionary<string, string>?>? slices = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        if (probabilities.Length != labels.Length * classCount)
        {
            throw new ArgumentException($"{probabilities.Length} probabilities for {labels.Length} items of {classCount} classes.", nameof(probabilities));
        }

        if (labels.Any(l => (uint)l >= (uint)classCount))
        {
            throw new ArgumentException($"A label is outside 0..{classCount - 1}.", nameof(labels));
        }

        ClassCount = classCount;
        Labels = labels;
        Probabilities = probabilities;
        Slices = slices;
        Predicted = new int[labels.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            Predicted[i] = ArgMax(Row(i));
        }
    }

    public int ClassCount { get; }

    public int Count => Labels.Count;

    public IReadOnlyList<int> Labels { get; }

    public int[] Predicted { get; }

    public IReadOnlyList<IReadOnlyDictionary<string, string>?>? Slices { get; }

    internal float[] Probabilities { get; }

    /// <summary>Class probabilities of item <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Row(int index) => Probabilities.AsSpan(index * ClassCount, ClassCount);

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
