using System.Globalization;
using System.Text.Json;
using Orchestrator.Ml.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Onnx;

/// <summary>
/// Translates a trained <see cref="ResNet"/> (any <see cref="Architecture"/>) into an opset-13 ONNX graph:
/// Conv, BatchNormalization (inference form, running statistics), Relu, MaxPool, Add, GlobalAveragePool,
/// Flatten and Gemm. Input "input" [batch,3,H,W] (normalised), output "logits" [batch,classes]; the
/// batch dimension is symbolic.
/// </summary>
public static class ResNetOnnxExporter
{
    public const string InputName = "input";
    public const string OutputName = "logits";

    /// <summary>Builds the graph; the preprocessing constants and class names go into the metadata.</summary>
    public static OnnxGraph ToGraph(ResNet model, Preprocessing preprocessing, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(preprocessing);
        ArgumentNullException.ThrowIfNull(classNames);
        var spec = model.Spec;
        if (classNames.Count != spec.NumClasses)
        {
            throw new ArgumentException($"{classNames.Count} class names for a model with {spec.NumClasses} classes.", nameof(classNames));
        }

        var graph = new OnnxGraph(spec.Architecture.ToString());
        graph.AddInput(InputName, OnnxDim.Named("batch"), 3, spec.InputSize, spec.InputSize);
        var x = Conv(graph, "stem_conv", InputName, model.StemConv);
        x = Relu(graph, "stem_relu", BatchNorm(graph, "stem_bn", x, model.StemBn));
        if (model.StemPool is { } pool)
        {
            x = graph.AddNode("MaxPool", [x], "stem_pool",
                OnnxAttr.Of("kernel_shape", pool.kernel_size), OnnxAttr.Of("strides", pool.stride!),
                OnnxAttr.Of("pads", Pads(pool.padding!)));
        }

        var index = 0;
        foreach (var block in model.Blocks)
        {
            x = Block(graph, $"block{index++}", x, block);
        }

        x = graph.AddNode("GlobalAveragePool", [x], "pool", []);
        x = graph.AddNode("Flatten", [x], "features", OnnxAttr.Of("axis", 1L));
        var w = graph.AddInitializer("head.weight", Values(model.Head.weight!), spec.NumClasses, spec.FeatureSize);
        var b = graph.AddInitializer("head.bias", Values(model.Head.bias!), spec.NumClasses);
        graph.AddNode("Gemm", [x, w, b], OutputName, OnnxAttr.Of("transB", 1L));
        graph.AddOutput(OutputName, OnnxDim.Named("batch"), spec.NumClasses);

        foreach (var (key, value) in preprocessing.ToMetadata())
        {
            graph.Metadata[key] = value;
        }

        graph.Metadata["model.architecture"] = spec.Architecture.ToString();
        graph.Metadata["model.spec"] = JsonSerializer.Serialize(spec);
        graph.Metadata["model.classes"] = JsonSerializer.Serialize(classNames);
        graph.Metadata["model.num_classes"] = spec.NumClasses.ToString(CultureInfo.InvariantCulture);
        return graph;
    }

    /// <summary>The ModelProto bytes for <paramref name="model"/>.</summary>
    public static byte[] Export(ResNet model, Preprocessing preprocessing, IReadOnlyList<string> classNames) =>
        OnnxModelWriter.ToBytes(ToGraph(model, preprocessing, classNames));

    private static string Block(OnnxGraph graph, string name, string input, ResidualBlock block)
    {
        var a = Relu(graph, $"{name}_relu1", BatchNorm(graph, $"{name}_bn1", Conv(graph, $"{name}_conv1", input, block.Conv1), block.Bn1));
        var b = BatchNorm(graph, $"{name}_bn2", Conv(graph, $"{name}_conv2", a, block.Conv2), block.Bn2);
        var skip = block.ShortcutConv is null
            ? input
            : BatchNorm(graph, $"{name}_shortcut_bn", Conv(graph, $"{name}_shortcut_conv", input, block.ShortcutConv), block.ShortcutBn!);
        var sum = graph.AddNode("Add", [b, skip], $"{name}_add", []);
        return Relu(graph, $"{name}_out", sum);
    }

    private static string Conv(OnnxGraph graph, string name, string input, Conv2d conv)
    {
        var weight = conv.weight!;
        var w = graph.AddInitializer($"{name}.weight", Values(weight), weight.shape);
        List<string> inputs = [input, w];
        if (conv.bias is { } bias)
        {
            inputs.Add(graph.AddInitializer($"{name}.bias", Values(bias), bias.shape));
        }

        return graph.AddNode("Conv", inputs, name,
            OnnxAttr.Of("kernel_shape", conv.kernel_size), OnnxAttr.Of("strides", conv.stride),
            OnnxAttr.Of("pads", Pads(conv.padding ?? [0])), OnnxAttr.Of("dilations", conv.dilation),
            OnnxAttr.Of("group", conv.groups));
    }

    private static string BatchNorm(OnnxGraph graph, string name, string input, BatchNorm2d bn)
    {
        var n = bn.num_features;
        var scale = graph.AddInitializer($"{name}.weight", Values(bn.weight!), n);
        var bias = graph.AddInitializer($"{name}.bias", Values(bn.bias!), n);
        var mean = graph.AddInitializer($"{name}.running_mean", Values(bn.running_mean!), n);
        var variance = graph.AddInitializer($"{name}.running_var", Values(bn.running_var!), n);
        return graph.AddNode("BatchNormalization", [input, scale, bias, mean, variance], name,
            OnnxAttr.Of("epsilon", (float)bn.eps));
    }

    private static string Relu(OnnxGraph graph, string name, string input) => graph.AddNode("Relu", [input], name, []);

    // TorchSharp pads symmetrically per spatial axis; ONNX wants [begin_h, begin_w, end_h, end_w].
    private static long[] Pads(long[] padding) => padding.Length == 1
        ? [padding[0], padding[0], padding[0], padding[0]]
        : [padding[0], padding[1], padding[0], padding[1]];

    private static float[] Values(Tensor tensor)
    {
        using var cpu = tensor.detach().cpu().to_type(ScalarType.Float32).contiguous();
        return cpu.data<float>().ToArray();
    }
}
