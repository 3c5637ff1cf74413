namespace Orchestrator.Ml.Evaluation;

/// <summary>Numerically stable row-wise softmax from logits to probabilities.</summary>
public static class Softmax
{
    /// <summary>
    /// Writes the softmax of each row of <paramref name="classCount"/> logits into <paramref name="probabilities"/>
    /// (same length). A row holding a NaN or infinite logit has no meaningful softmax (the model failed on that
    /// item): it becomes a row of NaN, which <see cref="Predictions"/> counts as a non-finite output, and the
    /// number of such rows is returned so a caller can report it.
    /// </summary>
    /// <returns>Rows whose logits were not all finite.</returns>
    public static int Rows(ReadOnlySpan<float> logits, Span<float> probabilities, int classCount)
    {
        if (classCount < 1)
        {
            // A step of 0 rows never reached the end of the span.
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, $"Softmax.Rows: classCount is {classCount}; a row needs at least one class.");
        }

        if (logits.Length % classCount != 0)
        {
            throw new ArgumentException($"Softmax.Rows: {logits.Length} logits are not whole rows of {classCount} classes.", nameof(logits));
        }

        if (probabilities.Length != logits.Length)
        {
            throw new ArgumentException($"Softmax.Rows: {logits.Length} logits but room for {probabilities.Length} probabilities; both must be the same length.", nameof(probabilities));
        }

        var nonFinite = 0;
        for (var row = 0; row < logits.Length; row += classCount)
        {
            var source = logits.Slice(row, classCount);
            var target = probabilities.Slice(row, classCount);
            if (!InputChecks.IsFinite(source))
            {
                target.Fill(float.NaN);
                nonFinite++;
                continue;
            }

            var max = float.NegativeInfinity;
            foreach (var v in source)
            {
                max = Math.Max(max, v);
            }

            var sum = 0.0;
            for (var k = 0; k < classCount; k++)
            {
                var e = Math.Exp(source[k] - max);
                target[k] = (float)e;
                sum += e;
            }

            for (var k = 0; k < classCount; k++)
            {
                target[k] = (float)(target[k] / sum);
            }
        }

        return nonFinite;
    }
}
