using Orchestrator.Ml.Models.Torchvision;
using static Orchestrator.Ml.Onnx.OnnxLayers;

namespace Orchestrator.Ml.Onnx;

/// <summary>
/// The ONNX translations of the torchvision-layout networks. Nodes and weights are named by their
/// state-dict keys ("layer1.0.conv1", "features.4.block.2.fc1", ...), so the graph can be checked
/// against the checkpoint it came from. MobileNetV3 adds HardSigmoid and Mul (hardswish, squeeze-excitation).
/// </summary>
internal static class TorchvisionOnnx
{
    public static void Write(OnnxGraph graph, TorchvisionResNet model, string input, string output)
    {
        var x = MaxPool(graph, "maxpool", Relu(graph, "relu", BatchNorm(graph, "bn1", Conv(graph, "conv1", input, model.Conv1), model.Bn1)), model.MaxPool);
        foreach (var (block, name) in model.NamedBlocks)
        {
            x = Block(graph, name, x, block);
        }

        Linear(graph, "fc", PoolAndFlatten(graph, "avgpool", x), model.Fc, output);
    }

    public static void Write(OnnxGraph graph, MobileNetV3Small model, string input, string output)
    {
        var x = input;
        for (var i = 0; i < model.Features.Count; i++)
        {
            var name = $"features.{i}";
            x = model.Features[i] switch
            {
                ConvNormActivation layer => ConvNormActivation(graph, name, x, layer),
                InvertedResidual block => InvertedResidual(graph, $"{name}.block", x, block),
                var other => throw new NotSupportedException($"No ONNX translation for {other.GetType().Name}."),
            };
        }

        x = HardSwish(graph, "classifier.1", Linear(graph, "classifier.0", PoolAndFlatten(graph, "avgpool", x), model.Hidden));
        Linear(graph, "classifier.3", x, model.Head, output);
    }

    private static string Block(OnnxGraph graph, string name, string input, TorchvisionBlock block)
    {
        var x = input;
        var path = block.MainPath;
        for (var i = 0; i < path.Count; i++)
        {
            x = BatchNorm(graph, $"{name}.bn{i + 1}", Conv(graph, $"{name}.conv{i + 1}", x, path[i].Conv), path[i].Norm);
            if (i < path.Count - 1)
            {
                x = Relu(graph, $"{name}.relu{i + 1}", x);
            }
        }

        var identity = block.Downsample is { } d
            ? BatchNorm(graph, $"{name}.downsample.1", Conv(graph, $"{name}.downsample.0", input, d.Conv), d.Norm)
            : input;
        return Relu(graph, $"{name}.out", Add(graph, $"{name}.add", x, identity));
    }

    private static string InvertedResidual(OnnxGraph graph, string name, string input, InvertedResidual block)
    {
        var x = input;
        var index = 0;
        if (block.Expand is { } expand)
        {
            x = ConvNormActivation(graph, $"{name}.{index++}", x, expand);
        }

        x = ConvNormActivation(graph, $"{name}.{index++}", x, block.Depthwise);
        if (block.Se is { } se)
        {
            x = SqueezeExcitation(graph, $"{name}.{index++}", x, se);
        }

        x = ConvNormActivation(graph, $"{name}.{index}", x, block.Project);
        return block.UsesResidual ? Add(graph, $"{name}.add", x, input) : x;
    }

    private static string ConvNormActivation(OnnxGraph graph, string name, string input, ConvNormActivation layer)
    {
        var x = BatchNorm(graph, $"{name}.1", Conv(graph, $"{name}.0", input, layer.Conv), layer.Norm);
        return layer.Activation switch
        {
            MobileActivation.ReLU => Relu(graph, $"{name}.2", x),
            MobileActivation.Hardswish => HardSwish(graph, $"{name}.2", x),
            _ => x,
        };
    }

    private static string SqueezeExcitation(OnnxGraph graph, string name, string input, SqueezeExcitation se)
    {
        var scale = Relu(graph, $"{name}.relu", Conv(graph, $"{name}.fc1", GlobalAveragePool(graph, $"{name}.avgpool", input), se.Fc1));
        scale = HardSigmoid(graph, $"{name}.scale", Conv(graph, $"{name}.fc2", scale, se.Fc2));
        return Mul(graph, $"{name}.mul", scale, input);
    }
}
