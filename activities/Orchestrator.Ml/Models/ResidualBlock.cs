using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Orchestrator.Ml.Models;

/// <summary>
/// The basic two-convolution residual block. When the block changes resolution or width, the shortcut is
/// a strided 1x1 convolution with batch norm (ResNet option B), otherwise the identity.
/// </summary>
public sealed class ResidualBlock : Module<Tensor, Tensor>
{
    // Field names are the state-dict keys: renaming them breaks every stored checkpoint.
    private readonly Conv2d conv1;
    private readonly CountedBatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly CountedBatchNorm2d bn2;
    private readonly Conv2d? shortcut_conv;
    private readonly CountedBatchNorm2d? shortcut_bn;

    public ResidualBlock(string name, int inChannels, int outChannels, int stride)
        : base(name)
    {
        conv1 = Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
        bn1 = new CountedBatchNorm2d(outChannels);
        conv2 = Conv2d(outChannels, outChannels, 3, stride: 1, padding: 1, bias: false);
        bn2 = new CountedBatchNorm2d(outChannels);
        if (stride != 1 || inChannels != outChannels)
        {
            shortcut_conv = Conv2d(inChannels, outChannels, 1, stride, bias: false);
            shortcut_bn = new CountedBatchNorm2d(outChannels);
        }

        RegisterComponents();
    }

    internal Conv2d Conv1 => conv1;
    internal CountedBatchNorm2d Bn1 => bn1;
    internal Conv2d Conv2 => conv2;
    internal CountedBatchNorm2d Bn2 => bn2;
    internal Conv2d? ShortcutConv => shortcut_conv;
    internal CountedBatchNorm2d? ShortcutBn => shortcut_bn;

    // Intermediates are not disposed here: callers run forward inside a DisposeScope (one per batch).
    public override Tensor forward(Tensor input)
    {
        var a = functional.relu(bn1.call(conv1.call(input)));
        var b = bn2.call(conv2.call(a));
        var skip = shortcut_conv is null ? input : shortcut_bn!.call(shortcut_conv.call(input));
        return functional.relu(b.add(skip, HeldScalars.One));
    }
}
