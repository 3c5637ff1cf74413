using System.Text.Json;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Onnx;

namespace Orchestrator.Testing.Models;

/// <summary>
/// A baseline ONNX classifier that needs no training: global average pooling of the normalised RGB input
/// followed by one linear layer that scores "red", "green" and "blue" by which channel dominates. It carries
/// the same metadata as exported models (preprocessing, class names), so serving, monitoring and the
/// serve-overhead benchmark can be exercised end to end with a real ONNX Runtime session.
/// </summary>
public static class ColourBaselineModel
{
    /// <summary>The classes, in output order.</summary>
    public static IReadOnlyList<string> Classes { get; } = ["red", "green", "blue"];

    /// <summary>
    /// The ONNX bytes for square inputs of <paramref name="inputSize"/> pixels; <paramref name="bias"/> (one per
    /// class, zero by default) lets a test build a broken model, e.g. one that answers NaN.
    /// </summary>
    /// <param name="inputSize">Square input size in pixels.</param>
    /// <param name="bias">One offset per class (zero by default).</param>
    /// <param name="metadata">Extra metadata entries (a multi-label model's task and thresholds).</param>
    public static byte[] Create(int inputSize = 32, float[]? bias = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var graph = new OnnxGraph("colour-baseline");
        graph.AddInput("input", OnnxDim.Named("batch"), 3, inputSize, inputSize);
        var pooled = graph.AddNode("GlobalAveragePool", ["input"], "pooled");
        var flat = graph.AddNode("Flatten", [pooled], "flat", OnnxAttr.Of("axis", 1L));
        // Each class scores its own channel against the mean of the other two (weights [in=3, out=3]).
        var weights = graph.AddInitializer("weights", [4f, -2f, -2f, -2f, 4f, -2f, -2f, -2f, 4f], 3, 3);
        var offsets = graph.AddInitializer("bias", bias ?? [0f, 0f, 0f], 3);
        graph.AddNode("Gemm", [flat, weights, offsets], "logits");
        graph.AddOutput("logits", OnnxDim.Named("batch"), Classes.Count);
        foreach (var (key, value) in Preprocessing.Centered(inputSize).ToMetadata())
        {
            graph.Metadata[key] = value;
        }

        graph.Metadata["model.classes"] = JsonSerializer.Serialize(Classes);
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            graph.Metadata[key] = value;
        }

        return OnnxModelWriter.ToBytes(graph);
    }
}
