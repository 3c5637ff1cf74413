using Orchestrator.Ml.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Onnx;

/// <summary>
/// TorchSharp layers as opset-13 ONNX nodes, each named after its module so the graph reads like the
/// state dict: a node's output is the name given, its weights "{name}.weight", "{name}.bias", ... Batch
/// norm stays an inference-form BatchNormalization (ONNX Runtime folds it into the convolution).
/// </summary>
internal static class OnnxLayers
{
    // PyTorch's hardsigmoid is relu6(x + 3) / 6, i.e. clip(x / 6 + 1/2, 0, 1): ONNX HardSigmoid with these.
    private const float HardSigmoidAlpha = 1f / 6f;
    private const float HardSigmoidBeta = 0.5f;

    public static string Conv(OnnxGraph graph, string name, string input, Conv2d conv)
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

    public static string BatchNorm(OnnxGraph graph, string name, string input, CountedBatchNorm2d bn)
    {
        var n = bn.num_features;
        var scale = graph.AddInitializer($"{name}.weight", Values(bn.weight!), n);
        var bias = graph.AddInitializer($"{name}.bias", Values(bn.bias!), n);
        var mean = graph.AddInitializer($"{name}.running_mean", Values(bn.running_mean!), n);
        var variance = graph.AddInitializer($"{name}.running_var", Values(bn.running_var!), n);
        return graph.AddNode("BatchNormalization", [input, scale, bias, mean, variance], name,
            OnnxAttr.Of("epsilon", (float)bn.eps));
    }

    public static string MaxPool(OnnxGraph graph, string name, string input, MaxPool2d pool) =>
        graph.AddNode("MaxPool", [input], name,
            OnnxAttr.Of("kernel_shape", pool.kernel_size), OnnxAttr.Of("strides", pool.stride!),
            OnnxAttr.Of("pads", Pads(pool.padding!)));

    /// <summary>
    /// Gemm with transB, i.e. PyTorch's Linear: input [batch, in] times weight [out, in] transposed, plus bias.
    /// The node's output is <paramref name="output"/> when given (the graph's logits), else the name.
    /// </summary>
    public static string Linear(OnnxGraph graph, string name, string input, Linear linear, string? output = null)
    {
        var weight = linear.weight!;
        var w = graph.AddInitializer($"{name}.weight", Values(weight), weight.shape);
        var b = graph.AddInitializer($"{name}.bias", Values(linear.bias!), linear.bias!.shape);
        return graph.AddNode("Gemm", [input, w, b], output ?? name, OnnxAttr.Of("transB", 1L));
    }

    public static string Relu(OnnxGraph graph, string name, string input) => graph.AddNode("Relu", [input], name, []);

    public static string HardSigmoid(OnnxGraph graph, string name, string input) =>
        graph.AddNode("HardSigmoid", [input], name, OnnxAttr.Of("alpha", HardSigmoidAlpha), OnnxAttr.Of("beta", HardSigmoidBeta));

    /// <summary>x * hardsigmoid(x): ONNX has HardSwish only from opset 14, so it is written as HardSigmoid and Mul.</summary>
    public static string HardSwish(OnnxGraph graph, string name, string input) =>
        Mul(graph, name, input, HardSigmoid(graph, $"{name}.gate", input));

    public static string Add(OnnxGraph graph, string name, string a, string b) => graph.AddNode("Add", [a, b], name, []);

    public static string Mul(OnnxGraph graph, string name, string a, string b) => graph.AddNode("Mul", [a, b], name, []);

    public static string GlobalAveragePool(OnnxGraph graph, string name, string input) => graph.AddNode("GlobalAveragePool", [input], name, []);

    /// <summary>Global average pooling then flattening to [batch, channels], as adaptive_avg_pool2d(x, 1).flatten(1).</summary>
    public static string PoolAndFlatten(OnnxGraph graph, string name, string input) =>
        graph.AddNode("Flatten", [GlobalAveragePool(graph, $"{name}.pool", input)], name, OnnxAttr.Of("axis", 1L));

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
