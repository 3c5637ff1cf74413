using Orchestrator.Ml.Models.Torchvision;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Orchestrator.Ml.Models;

/// <summary>
/// An image classifier built from a <see cref="ModelSpec"/>: normalised NCHW float input, logits out. The
/// trainer, checkpoints, transfer learning, weight import and the ONNX export work on this type, so every
/// architecture goes through the same path.
/// </summary>
public abstract class ImageClassifier : Module<Tensor, Tensor>
{
    protected ImageClassifier(string name, ModelSpec spec)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        Spec = spec;
    }

    /// <summary>The specification this network was built from.</summary>
    public ModelSpec Spec { get; }

    /// <summary>
    /// Prefix of the state-dict keys of the head, the layer mapping features to classes: what transfer
    /// learning and weight import replace when the class set changes, and what a frozen backbone still trains.
    /// </summary>
    public string HeadKeyPrefix => HeadKeyPrefixOf(Spec.Architecture);

    /// <summary>The head's key prefix of <paramref name="architecture"/>: "head.", "fc." or "classifier.3.".</summary>
    public static string HeadKeyPrefixOf(Architecture architecture) => architecture switch
    {
        Architecture.ResNet32 or Architecture.ResNet224 => ResNet.HeadPrefix,
        Architecture.TorchvisionResNet => TorchvisionResNet.HeadPrefix,
        Architecture.MobileNetV3Small => MobileNetV3Small.HeadPrefix,
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "Unknown architecture."),
    };

    /// <summary>Whether a state-dict key belongs to the head.</summary>
    public bool IsHeadKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.StartsWith(HeadKeyPrefix, StringComparison.Ordinal);
    }

    /// <summary>Parameters outside the head: what freeze-backbone fine-tuning keeps fixed.</summary>
    public IEnumerable<Parameter> BackboneParameters() =>
        named_parameters().Where(p => !IsHeadKey(p.name)).Select(p => p.parameter);

    /// <summary>The head's parameters.</summary>
    public IEnumerable<Parameter> HeadParameters() =>
        named_parameters().Where(p => IsHeadKey(p.name)).Select(p => p.parameter);

    /// <summary>
    /// Gives the head fresh weights, initialised as the architecture initialises a new network, drawn from
    /// <paramref name="generator"/> (the global generator when null).
    /// </summary>
    public abstract void ResetHead(Generator? generator = null);

    /// <summary>A freshly initialised network of <paramref name="spec"/>'s architecture, in training mode.</summary>
    public static ImageClassifier Create(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Architecture switch
        {
            Architecture.ResNet32 or Architecture.ResNet224 => new ResNet(spec),
            Architecture.TorchvisionResNet => new TorchvisionResNet(spec),
            Architecture.MobileNetV3Small => new MobileNetV3Small(spec),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Architecture, "Unknown architecture."),
        };
    }

    /// <summary>Every batch-norm layer, e.g. to keep a frozen backbone's statistics in inference mode.</summary>
    public IEnumerable<BatchNorm2d> BatchNorms() => modules().OfType<BatchNorm2d>();
}
