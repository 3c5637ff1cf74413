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
    /// The backbone's stages from input to output, as state-dict key prefixes: its top-level modules, and each numbered block of a
    /// module list ("conv1.", "bn1.", "layer1." ... "layer4." for torchvision's ResNets; "features.0." ... "features.12." for
    /// MobileNetV3-Small; "stem_conv.", "stem_bn.", "blocks.0." ... for the small ResNets). What "unfreeze the last N stages" counts.
    /// </summary>
    public IReadOnlyList<string> StagePrefixes() =>
        [.. named_parameters().Select(p => p.name).Where(n => !IsHeadKey(n)).Select(StageOf).Distinct(StringComparer.Ordinal)];

    /// <summary>The stage prefix of a backbone key (see <see cref="StagePrefixes"/>).</summary>
    public static string StageOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parts = key.Split('.');
        return parts.Length > 2 && parts[1].All(char.IsAsciiDigit) ? $"{parts[0]}.{parts[1]}." : parts[0] + ".";
    }

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
    public IEnumerable<CountedBatchNorm2d> BatchNorms() => modules().OfType<CountedBatchNorm2d>();
}
