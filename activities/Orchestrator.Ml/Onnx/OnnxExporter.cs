using System.Globalization;
using System.Text.Json;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Models.Torchvision;

namespace Orchestrator.Ml.Onnx;

/// <summary>
/// Translates a trained <see cref="ImageClassifier"/> of any architecture into an opset-13 ONNX graph.
/// Input "input" [batch,3,H,W] (normalised), output "logits" [batch,classes]; the batch dimension is
/// symbolic. The preprocessing constants, class names and the model spec go into the metadata, where
/// evaluation and serving read them back.
/// </summary>
public static class OnnxExporter
{
    public const string InputName = "input";
    public const string OutputName = "logits";

    /// <summary>Builds the graph.</summary>
    public static OnnxGraph ToGraph(ImageClassifier model, Preprocessing preprocessing, IReadOnlyList<string> classNames,
        IReadOnlyDictionary<string, string>? extraMetadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(preprocessing);
        ArgumentNullException.ThrowIfNull(classNames);
        var spec = model.Spec;
        if (classNames.Count != spec.NumClasses)
        {
            throw new ArgumentException($"{classNames.Count} class names for a model with {spec.NumClasses} classes.", nameof(classNames));
        }

        if (preprocessing.InputSize != spec.InputSize)
        {
            throw new ArgumentException($"Preprocessing for {preprocessing.InputSize}-pixel inputs, but the model takes {spec.InputSize}.", nameof(preprocessing));
        }

        var graph = new OnnxGraph(spec.Architecture.ToString());
        graph.AddInput(InputName, OnnxDim.Named("batch"), 3, spec.InputSize, spec.InputSize);
        switch (model)
        {
            case ResNet resnet:
                ResNetOnnxExporter.Write(graph, resnet, InputName, OutputName);
                break;
            case TorchvisionResNet resnet:
                TorchvisionOnnx.Write(graph, resnet, InputName, OutputName);
                break;
            case MobileNetV3Small mobilenet:
                TorchvisionOnnx.Write(graph, mobilenet, InputName, OutputName);
                break;
            default:
                throw new NotSupportedException($"No ONNX translation for {model.GetType().Name}.");
        }

        graph.AddOutput(OutputName, OnnxDim.Named("batch"), spec.NumClasses);

        foreach (var (key, value) in preprocessing.ToMetadata())
        {
            graph.Metadata[key] = value;
        }

        graph.Metadata["model.architecture"] = spec.Architecture.ToString();
        graph.Metadata["model.spec"] = JsonSerializer.Serialize(spec);
        graph.Metadata["model.classes"] = JsonSerializer.Serialize(classNames);
        graph.Metadata["model.num_classes"] = spec.NumClasses.ToString(CultureInfo.InvariantCulture);
        foreach (var (key, value) in extraMetadata ?? new Dictionary<string, string>())
        {
            graph.Metadata[key] = value;
        }

        return graph;
    }

    /// <summary>The ModelProto bytes for <paramref name="model"/>; <paramref name="extraMetadata"/> adds entries (a multi-label model's <see cref="TaskMetadata"/>).</summary>
    public static byte[] Export(ImageClassifier model, Preprocessing preprocessing, IReadOnlyList<string> classNames, IReadOnlyDictionary<string, string>? extraMetadata = null) =>
        OnnxModelWriter.ToBytes(ToGraph(model, preprocessing, classNames, extraMetadata));
}
