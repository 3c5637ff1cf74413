using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Orchestrator.Ml.Models.Torchvision;

/// <summary>
/// torchvision.models.mobilenet_v3_small (width 1.0) in TorchSharp: "features" (a hardswish 3x3 stem,
/// eleven <see cref="InvertedResidual"/> blocks, a 1x1 convolution to 576 channels), global average pooling
/// and "classifier" (Linear 576-1024, hardswish, dropout 0.2, Linear 1024-classes at index 3). Keys,
/// shapes, batch-norm settings and initialisation are torchvision's.
/// </summary>
public sealed class MobileNetV3Small : ImageClassifier
{
    /// <summary>Prefix of the head's state-dict keys: classifier[3], the layer that depends on the class set.</summary>
    public const string HeadPrefix = "classifier.3.";

    /// <summary>Width of the classifier's hidden layer (last_channel), the features the head sees.</summary>
    public const int HiddenSize = 1024;

    /// <summary>Channels of the last convolution (6 x 96).</summary>
    public const int LastConvChannels = 576;

    /// <summary>torchvision's _mobilenet_v3_conf("mobilenet_v3_small"): the inverted-residual table.</summary>
    internal static IReadOnlyList<InvertedResidualConfig> Blocks { get; } =
    [
        new(16, 3, 16, 16, true, false, 2),
        new(16, 3, 72, 24, false, false, 2),
        new(24, 3, 88, 24, false, false, 1),
        new(24, 5, 96, 40, true, true, 2),
        new(40, 5, 240, 40, true, true, 1),
        new(40, 5, 240, 40, true, true, 1),
        new(40, 5, 120, 48, true, true, 1),
        new(48, 5, 144, 48, true, true, 1),
        new(48, 5, 288, 96, true, true, 2),
        new(96, 5, 576, 96, true, true, 1),
        new(96, 5, 576, 96, true, true, 1),
    ];

    private readonly List<Module<Tensor, Tensor>> features = [];
    private readonly Linear hidden;
    private readonly Dropout dropout;
    private readonly Linear head;

    public MobileNetV3Small(ModelSpec spec)
        : base(nameof(MobileNetV3Small), spec)
    {
        var slots = new ModuleSlots("features");
        AddFeature(slots, new ConvNormActivation(3, Blocks[0].InputChannels, 3, 2, 1, MobileActivation.Hardswish));
        foreach (var config in Blocks)
        {
            AddFeature(slots, new InvertedResidual(config));
        }

        AddFeature(slots, new ConvNormActivation(Blocks[^1].OutChannels, LastConvChannels, 1, 1, 1, MobileActivation.Hardswish));
        register_module("features", slots);

        var classifier = new ModuleSlots("classifier");
        hidden = classifier.Add("0", Linear(LastConvChannels, HiddenSize));
        classifier.Add("1", Hardswish());
        dropout = classifier.Add("2", Dropout(0.2));
        head = classifier.Add("3", Linear(HiddenSize, spec.NumClasses));
        register_module("classifier", classifier);
        TorchvisionInit.MobileNet(this);
    }

    // Children are registered by hand under torchvision's names; the typed fields are references, not more modules.
    protected override void RegisterComponents()
    {
    }

    internal IReadOnlyList<Module<Tensor, Tensor>> Features => features;
    internal Linear Hidden => hidden;
    internal Linear Head => head;

    public override void ResetHead(Generator? generator = null) => TorchvisionInit.LinearSmallNormal(head, generator);

    // Intermediates are not disposed here: callers run forward inside a DisposeScope (one per batch).
    public override Tensor forward(Tensor input)
    {
        var x = input;
        foreach (var feature in features)
        {
            x = feature.call(x);
        }

        x = functional.adaptive_avg_pool2d(x, 1).flatten(1);
        x = dropout.call(functional.hardswish(hidden.call(x)));
        return head.call(x);
    }

    private void AddFeature(ModuleSlots slots, Module<Tensor, Tensor> feature)
    {
        slots.Add(features.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), feature);
        features.Add(feature);
    }
}
