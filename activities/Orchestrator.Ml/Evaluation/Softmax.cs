namespace Orchestrator.Ml.Evaluation;

/// <summary>Numerically stable row-wise softmax from logits to probabilities.</summary>
public static class Softmax
{
    public static void Rows(ReadOnlySpan<float> logits, Span<float> probabilities, int classCount)
    {
        for (var row = 0; row < logits.Length; row += classCount)
        {
            var source = logits.Slice(row, classCount);
            var target = probabilities.Slice(row, classCount);
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
    }
}
