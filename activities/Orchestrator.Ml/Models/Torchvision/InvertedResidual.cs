using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Orchestrator.Ml.Models.Torchvision;

/// <summary>One row of torchvision's InvertedResidualConfig table (width multiplier 1, no dilation).</summary>
internal sealed record InvertedResidualConfig(int InputChannels, int Kernel, int ExpandedChannels, int OutChannels, bool UseSe, bool UseHardswish, int Stride)
{
    /// <summary>Channels of the squeeze-excitation bottleneck: _make_divisible(expanded // 4, 8).</summary>
    public int SqueezeChannels => MakeDivisible(ExpandedChannels / 4, 8);

    /// <summary>torchvision's _make_divisible: the nearest multiple of the divisor, never 10% below the value.</summary>
    public static int MakeDivisible(double value, int divisor)
    {
        var rounded = Math.Max(divisor, (int)(value + (divisor / 2.0)) / divisor * divisor);
        return rounded < 0.9 * value ? rounded + divisor : rounded;
    }
}

/// <summary>
/// torchvision's MobileNetV3 InvertedResidual: "block" holds the optional 1x1 expansion, the depthwise
/// convolution, the optional squeeze-excitation and the 1x1 projection, numbered as in its Sequential; the
/// input is added back when the block keeps resolution and width.
/// </summary>
internal sealed class InvertedResidual : TorchvisionModule
{
    private readonly List<Module<Tensor, Tensor>> layers = [];

    public InvertedResidual(InvertedResidualConfig config)
        : base(nameof(InvertedResidual))
    {
        ArgumentNullException.ThrowIfNull(config);
        var activation = config.UseHardswish ? MobileActivation.Hardswish : MobileActivation.ReLU;
        var block = new ModuleSlots("block");
        if (config.ExpandedChannels != config.InputChannels)
        {
            Expand = Add(block, new ConvNormActivation(config.InputChannels, config.ExpandedChannels, 1, 1, 1, activation));
        }

        Depthwise = Add(block, new ConvNormActivation(config.ExpandedChannels, config.ExpandedChannels, config.Kernel, config.Stride, config.ExpandedChannels, activation));
        if (config.UseSe)
        {
            Se = Add(block, new SqueezeExcitation(config.ExpandedChannels, config.SqueezeChannels));
        }

        Project = Add(block, new ConvNormActivation(config.ExpandedChannels, config.OutChannels, 1, 1, 1, MobileActivation.None));
        register_module("block", block);
        UsesResidual = config.Stride == 1 && config.InputChannels == config.OutChannels;
    }

    internal ConvNormActivation? Expand { get; }

    internal ConvNormActivation Depthwise { get; }

    internal SqueezeExcitation? Se { get; }

    internal ConvNormActivation Project { get; }

    internal bool UsesResidual { get; }

    // Intermediates are not disposed here: callers run forward inside a DisposeScope (one per batch).
    public override Tensor forward(Tensor input)
    {
        var x = input;
        foreach (var layer in layers)
        {
            x = layer.call(x);
        }

        return UsesResidual ? x.add(input, HeldScalars.One) : x;
    }

    private T Add<T>(ModuleSlots block, T layer)
        where T : Module<Tensor, Tensor>
    {
        block.Add(layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        layers.Add(layer);
        return layer;
    }
}
