using Orchestrator.Ml.Models;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Weights;

/// <summary>
/// Measures a checkpoint against a network: every key the network has must be in the checkpoint with the
/// same shape and kind (floating-point weights, integer counters), and the checkpoint may hold nothing else.
/// The head alone may differ in its class count (dimension 0), which is what a head replacement is for.
/// </summary>
public static class WeightsCheck
{
    /// <summary>
    /// The checkpoint's class count (from the head's weight); throws <see cref="WeightsMismatchException"/>
    /// naming the first bad key when the checkpoint does not fit <paramref name="model"/>.
    /// </summary>
    public static int Verify(ImageClassifier model, IReadOnlyDictionary<string, WeightTensor> weights, string architecture)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(weights);
        var expected = model.state_dict();
        var headWeight = model.HeadKeyPrefix + "weight";
        var sourceClasses = weights.TryGetValue(headWeight, out var stored) && stored.Shape.Count > 0 ? stored.Shape[0] : model.Spec.NumClasses;
        var problems = new List<(string Key, WeightsProblem Problem, string Message)>();
        foreach (var (key, target) in expected)
        {
            if (!weights.TryGetValue(key, out var tensor))
            {
                problems.Add((key, WeightsProblem.MissingKey, $"has no '{key}', which {architecture} needs ({Kind(target)} {WeightTensor.Format(target.shape)})"));
                continue;
            }

            long[] shape = model.IsHeadKey(key) && target.shape.Length > 0 ? [sourceClasses, .. target.shape[1..]] : target.shape;
            if (!tensor.Shape.SequenceEqual(shape))
            {
                var classes = model.IsHeadKey(key) ? " (any class count: a different one replaces the head)" : string.Empty;
                problems.Add((key, WeightsProblem.WrongShape, $"has '{key}' of shape {tensor.ShapeText}, where {architecture} has {WeightTensor.Format(target.shape)}{classes}"));
            }
            else if (tensor.IsFloatingPoint != target.is_floating_point())
            {
                problems.Add((key, WeightsProblem.WrongType, $"stores '{key}' as {tensor.Dtype}, where {architecture} has {Kind(target)} values"));
            }
        }

        foreach (var key in weights.Keys.Where(k => !expected.ContainsKey(k)).Order(StringComparer.Ordinal))
        {
            problems.Add((key, WeightsProblem.UnexpectedKey, $"has '{key}' ({weights[key].Dtype} {weights[key].ShapeText}), which {architecture} does not have"));
        }

        if (problems.Count > 0)
        {
            var (key, problem, message) = problems[0];
            var more = problems.Count > 1 ? $" ({problems.Count} keys do not fit in all)" : string.Empty;
            throw new WeightsMismatchException(key, problem, problems.Count, $"The weights do not fit {architecture}: the checkpoint {message}{more}.");
        }

        return checked((int)sourceClasses);
    }

    private static string Kind(Tensor tensor) => tensor.is_floating_point() ? "floating-point" : "integer";
}
