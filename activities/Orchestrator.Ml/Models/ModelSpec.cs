using System.Text.Json.Serialization;

namespace Orchestrator.Ml.Models;

/// <summary>The image-classification architectures this library trains and exports.</summary>
public enum Architecture
{
    /// <summary>ResNet for 32x32 inputs: 3x3 stem at full resolution, no stem pooling.</summary>
    ResNet32,

    /// <summary>ResNet for 224x224 inputs: 7x7 stride-2 stem and 3x3 max-pool, as in He et al. 2015.</summary>
    ResNet224,

    /// <summary>
    /// torchvision.models.resnet.ResNet: the same modules, state-dict keys and shapes (ResNet-18/34/50 and
    /// other depths, see <see cref="ResNetLayout"/>), so torchvision checkpoints load as they are.
    /// </summary>
    TorchvisionResNet,

    /// <summary>torchvision.models.mobilenet_v3_small (width 1.0): the same modules, keys and shapes.</summary>
    MobileNetV3Small,
}

/// <summary>The residual block of a torchvision ResNet.</summary>
public enum ResidualBlockKind
{
    /// <summary>Two 3x3 convolutions (ResNet-18/34); expansion 1.</summary>
    Basic,

    /// <summary>1x1, 3x3, 1x1 convolutions (ResNet-50 and deeper); expansion 4.</summary>
    Bottleneck,
}

/// <summary>
/// The constructor arguments of torchvision's ResNet: block, blocks in layer1..layer4 and width_per_group
/// (64 in the published models; the bottleneck's inner width is planes x WidthPerGroup / 64).
/// </summary>
public sealed record ResNetLayout(ResidualBlockKind Block, int Layer1, int Layer2, int Layer3, int Layer4, int WidthPerGroup = 64)
{
    /// <summary>torchvision.models.resnet18.</summary>
    public static ResNetLayout ResNet18 { get; } = new(ResidualBlockKind.Basic, 2, 2, 2, 2);

    /// <summary>torchvision.models.resnet34.</summary>
    public static ResNetLayout ResNet34 { get; } = new(ResidualBlockKind.Basic, 3, 4, 6, 3);

    /// <summary>torchvision.models.resnet50.</summary>
    public static ResNetLayout ResNet50 { get; } = new(ResidualBlockKind.Bottleneck, 3, 4, 6, 3);

    /// <summary>Blocks per stage, layer1 first.</summary>
    [JsonIgnore]
    public IReadOnlyList<int> Layers => [Layer1, Layer2, Layer3, Layer4];

    /// <summary>Output channels per input plane of a block: 1 (basic) or 4 (bottleneck).</summary>
    [JsonIgnore]
    public int Expansion => Block == ResidualBlockKind.Bottleneck ? 4 : 1;

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append(System.Globalization.CultureInfo.InvariantCulture,
            $"Block = {Block}, Layers = [{string.Join(',', Layers)}], WidthPerGroup = {WidthPerGroup}");
        return true;
    }
}

/// <summary>
/// What to build: architecture, number of classes, base width (channels of the first stage, doubled per
/// stage), residual blocks per stage, number of stages and, for <see cref="Architecture.ResNet32"/>, the
/// stem's stride (2 quarters the cost of the first stage, for CPU budgets). The torchvision architectures
/// ignore Width, BlocksPerStage, Stages and StemStride (they must keep their defaults): a torchvision ResNet
/// takes its shape from <see cref="ResNet"/>, and both take <see cref="ImageSize"/>. Recorded in checkpoints
/// and audit events; the torchvision fields are left out of the JSON when unset, so the existing
/// architectures serialise exactly as before.
/// </summary>
public sealed record ModelSpec(Architecture Architecture, int NumClasses, int Width = 16, int BlocksPerStage = 1, int Stages = 3, int StemStride = 1)
{
    /// <summary>The torchvision ResNet's block and depth; required for <see cref="Architecture.TorchvisionResNet"/>, null otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ResNetLayout? ResNet { get; init; }

    /// <summary>
    /// Input side in pixels for the torchvision architectures (fully convolutional, so any size from 32 works;
    /// 224 is what their published weights were trained at); 0 means the architecture's default.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int ImageSize { get; init; }

    /// <summary>Side of the square input image in pixels.</summary>
    public int InputSize => ImageSize > 0 ? ImageSize : Architecture == Architecture.ResNet32 ? 32 : 224;

    /// <summary>Whether the network has torchvision's module layout (and so loads torchvision weights).</summary>
    [JsonIgnore]
    public bool IsTorchvision => Architecture is Architecture.TorchvisionResNet or Architecture.MobileNetV3Small;

    /// <summary>Channels of the last stage, i.e. the feature size the head sees.</summary>
    public int FeatureSize => Architecture switch
    {
        Architecture.TorchvisionResNet => 512 * (ResNet?.Expansion ?? 1),
        Architecture.MobileNetV3Small => Torchvision.MobileNetV3Small.HiddenSize,
        _ => Width << (Stages - 1),
    };

    /// <summary>Throws when a field is outside what the network can be built with.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(NumClasses, 2, nameof(NumClasses));
        if (!Enum.IsDefined(Architecture))
        {
            throw new ArgumentOutOfRangeException(nameof(Architecture), Architecture, "Unknown architecture.");
        }

        if (IsTorchvision)
        {
            ValidateTorchvision();
        }
        else
        {
            ValidateSmallResNet();
        }
    }

    // The text recorded as the "model-spec" hyperparameter: unchanged for the existing architectures, the
    // torchvision fields only when set.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append(System.Globalization.CultureInfo.InvariantCulture,
            $"Architecture = {Architecture}, NumClasses = {NumClasses}, Width = {Width}, BlocksPerStage = {BlocksPerStage}, Stages = {Stages}, StemStride = {StemStride}");
        if (ResNet is not null)
        {
            builder.Append(System.Globalization.CultureInfo.InvariantCulture, $", ResNet = {ResNet}");
        }

        if (ImageSize != 0)
        {
            builder.Append(System.Globalization.CultureInfo.InvariantCulture, $", ImageSize = {ImageSize}");
        }

        builder.Append(System.Globalization.CultureInfo.InvariantCulture, $", InputSize = {InputSize}, FeatureSize = {FeatureSize}");
        return true;
    }

    private void ValidateSmallResNet()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Width, 1, nameof(Width));
        ArgumentOutOfRangeException.ThrowIfLessThan(BlocksPerStage, 1, nameof(BlocksPerStage));
        ArgumentOutOfRangeException.ThrowIfLessThan(Stages, 1, nameof(Stages));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Stages, 5, nameof(Stages));
        ArgumentOutOfRangeException.ThrowIfLessThan(StemStride, 1, nameof(StemStride));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(StemStride, 2, nameof(StemStride));
        if (ResNet is not null || ImageSize != 0)
        {
            throw new ArgumentException($"{Architecture} takes no ResNet layout and no image size.", nameof(ResNet));
        }
    }

    private void ValidateTorchvision()
    {
        if (this != new ModelSpec(Architecture, NumClasses) { ResNet = ResNet, ImageSize = ImageSize })
        {
            throw new ArgumentException($"{Architecture} takes its shape from its layout: Width, BlocksPerStage, Stages and StemStride must keep their defaults.", nameof(Width));
        }

        if (ImageSize != 0)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(ImageSize, 32, nameof(ImageSize));
        }

        if (Architecture == Architecture.MobileNetV3Small)
        {
            if (ResNet is not null)
            {
                throw new ArgumentException("MobileNetV3Small takes no ResNet layout.", nameof(ResNet));
            }

            return;
        }

        var layout = ResNet ?? throw new ArgumentException("TorchvisionResNet needs a ResNet layout (block and blocks per stage).", nameof(ResNet));
        if (!Enum.IsDefined(layout.Block))
        {
            throw new ArgumentOutOfRangeException(nameof(ResNet), layout.Block, "Unknown residual block.");
        }

        foreach (var blocks in layout.Layers)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(blocks, 1, nameof(ResNet));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(layout.WidthPerGroup, 1, nameof(ResNet));
    }
}
