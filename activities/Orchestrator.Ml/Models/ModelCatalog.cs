namespace Orchestrator.Ml.Models;

/// <summary>
/// The architecture names a policy can choose, and the network each stands for. The project's small ResNets
/// ("resnet-tiny", "resnet-small", "resnet-224") train from scratch on a CPU budget; the torchvision names
/// ("resnet18", "resnet34", "resnet50", "mobilenet_v3_small", spelt as torchvision.models does) have
/// torchvision's layout, so published weights import into them.
/// </summary>
public static class ModelCatalog
{
    private static readonly Dictionary<string, Func<int, ModelSpec>> Specs = new(StringComparer.Ordinal)
    {
        ["resnet-tiny"] = classes => new ModelSpec(Architecture.ResNet32, classes, Width: 8, StemStride: 2),
        ["resnet-small"] = classes => new ModelSpec(Architecture.ResNet32, classes),
        ["resnet-224"] = classes => new ModelSpec(Architecture.ResNet224, classes),
        ["resnet18"] = classes => new ModelSpec(Architecture.TorchvisionResNet, classes) { ResNet = ResNetLayout.ResNet18 },
        ["resnet34"] = classes => new ModelSpec(Architecture.TorchvisionResNet, classes) { ResNet = ResNetLayout.ResNet34 },
        ["resnet50"] = classes => new ModelSpec(Architecture.TorchvisionResNet, classes) { ResNet = ResNetLayout.ResNet50 },
        ["mobilenet_v3_small"] = classes => new ModelSpec(Architecture.MobileNetV3Small, classes),
    };

    /// <summary>Every name <see cref="Spec"/> accepts, in a stable order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Specs.Keys.Order(StringComparer.Ordinal)];

    /// <summary>
    /// The network <paramref name="architecture"/> names, with <paramref name="classes"/> outputs and, for the
    /// torchvision architectures, <paramref name="imageSize"/> pixels per side (0: 224).
    /// </summary>
    /// <exception cref="ArgumentException">The name is not in <see cref="Names"/>.</exception>
    public static ModelSpec Spec(string architecture, int classes, int imageSize = 0)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        if (!Specs.TryGetValue(architecture, out var create))
        {
            throw new ArgumentException($"Unknown architecture '{architecture}' ({string.Join(", ", Names)}).", nameof(architecture));
        }

        var spec = create(classes);
        if (imageSize != 0)
        {
            spec = spec.IsTorchvision
                ? spec with { ImageSize = imageSize }
                : throw new ArgumentException($"'{architecture}' has a fixed input size of {spec.InputSize} pixels.", nameof(imageSize));
        }

        spec.Validate();
        return spec;
    }

    /// <summary>The catalogue name of <paramref name="spec"/>'s network (class count and image size aside), or null for other shapes.</summary>
    public static string? NameOf(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Names.FirstOrDefault(name => Specs[name](spec.NumClasses) with { ImageSize = spec.ImageSize } == spec);
    }
}
