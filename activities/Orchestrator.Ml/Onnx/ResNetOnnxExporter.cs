using Orchestrator.Ml.Models;
using static Orchestrator.Ml.Onnx.OnnxLayers;

namespace Orchestrator.Ml.Onnx;

/// <summary>
/// The ONNX translation of the project's small <see cref="ResNet"/> (ResNet32, ResNet224): Conv,
/// BatchNormalization, Relu, MaxPool, Add, GlobalAveragePool, Flatten and Gemm. <see cref="OnnxExporter"/>
/// exports every architecture; the entry points here are its ResNet-typed forms.
/// </summary>
public static class ResNetOnnxExporter
{
    public const string InputName = OnnxExporter.InputName;
    public const string OutputName = OnnxExporter.OutputName;

    /// <summary>Builds the graph; the preprocessing constants and class names go into the metadata.</summary>
    public static OnnxGraph ToGraph(ResNet model, Preprocessing preprocessing, IReadOnlyList<string> classNames) =>
        OnnxExporter.ToGraph(model, preprocessing, classNames);

    /// <summary>The ModelProto bytes for <paramref name="model"/>.</summary>
    public static byte[] Export(ResNet model, Preprocessing preprocessing, IReadOnlyList<string> classNames) =>
        OnnxExporter.Export(model, preprocessing, classNames);

    /// <summary>The network's nodes from <paramref name="input"/> to the logits, named <paramref name="output"/>.</summary>
    internal static void Write(OnnxGraph graph, ResNet model, string input, string output)
    {
        var x = Relu(graph, "stem_relu", BatchNorm(graph, "stem_bn", Conv(graph, "stem_conv", input, model.StemConv), model.StemBn));
        if (model.StemPool is { } pool)
        {
            x = MaxPool(graph, "stem_pool", x, pool);
        }

        var index = 0;
        foreach (var block in model.Blocks)
        {
            x = Block(graph, $"block{index++}", x, block);
        }

        Linear(graph, "head", PoolAndFlatten(graph, "features", x), model.Head, output);
    }

    private static string Block(OnnxGraph graph, string name, string input, ResidualBlock block)
    {
        var a = Relu(graph, $"{name}_relu1", BatchNorm(graph, $"{name}_bn1", Conv(graph, $"{name}_conv1", input, block.Conv1), block.Bn1));
        var b = BatchNorm(graph, $"{name}_bn2", Conv(graph, $"{name}_conv2", a, block.Conv2), block.Bn2);
        var skip = block.ShortcutConv is null
            ? input
            : BatchNorm(graph, $"{name}_shortcut_bn", Conv(graph, $"{name}_shortcut_conv", input, block.ShortcutConv), block.ShortcutBn!);
        return Relu(graph, $"{name}_out", Add(graph, $"{name}_add", b, skip));
    }
}
