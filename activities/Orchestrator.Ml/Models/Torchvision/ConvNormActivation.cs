using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Orchestrator.Ml.Models.Torchvision;

/// <summary>The activation after a convolution in MobileNetV3.</summary>
internal enum MobileActivation
{
    None,
    ReLU,
    Hardswish,
}

/// <summary>
/// torchvision.ops.Conv2dNormActivation as MobileNetV3 uses it: a bias-free convolution ("0"), batch norm
/// with eps 0.001 and momentum 0.01 ("1") and an optional ReLU or hardswish (no weights).
/// </summary>
internal sealed class ConvNormActivation : TorchvisionModule
{
    public ConvNormActivation(int inChannels, int outChannels, int kernel, int stride, int groups, MobileActivation activation)
        : base(nameof(ConvNormActivation))
    {
        Conv = Conv2d(inChannels, outChannels, kernel, stride: stride, padding: (kernel - 1) / 2, groups: groups, bias: false);
        Norm = new CountedBatchNorm2d(outChannels, eps: 0.001, momentum: 0.01);
        Activation = activation;
        register_module("0", Conv);
        register_module("1", Norm);
    }

    internal Conv2d Conv { get; }

    internal CountedBatchNorm2d Norm { get; }

    internal MobileActivation Activation { get; }

    // Intermediates are not disposed here: callers run forward inside a DisposeScope (one per batch).
    public override Tensor forward(Tensor input)
    {
        var x = Norm.call(Conv.call(input));
        return Activation switch
        {
            MobileActivation.ReLU => functional.relu(x),
            MobileActivation.Hardswish => functional.hardswish(x),
            _ => x,
        };
    }
}

/// <summary>
/// torchvision.ops.SqueezeExcitation with MobileNetV3's choices: global average pool, fc1 (1x1 conv with
/// bias), ReLU, fc2 (1x1 conv with bias), hardsigmoid, and the input scaled channel-wise by the result.
/// </summary>
internal sealed class SqueezeExcitation : TorchvisionModule
{
    public SqueezeExcitation(int channels, int squeezeChannels)
        : base(nameof(SqueezeExcitation))
    {
        Fc1 = Conv2d(channels, squeezeChannels, 1);
        Fc2 = Conv2d(squeezeChannels, channels, 1);
        register_module("fc1", Fc1);
        register_module("fc2", Fc2);
    }

    internal Conv2d Fc1 { get; }

    internal Conv2d Fc2 { get; }

    // Intermediates are not disposed here: callers run forward inside a DisposeScope (one per batch).
    public override Tensor forward(Tensor input)
    {
        var scale = functional.adaptive_avg_pool2d(input, 1);
        scale = functional.hardsigmoid(Fc2.call(functional.relu(Fc1.call(scale))));
        return scale * input;
    }
}
