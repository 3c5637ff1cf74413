using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Orchestrator.Ml.Models.Torchvision;

/// <summary>A residual block of torchvision's ResNet: the convolutions, their batch norms and the optional downsample.</summary>
internal abstract class TorchvisionBlock(string name) : TorchvisionModule(name)
{

    /// <summary>(convolution, batch norm) pairs of the main path in order; ReLU follows all but the last.</summary>
    internal abstract IReadOnlyList<(Conv2d Conv, CountedBatchNorm2d Norm)> MainPath { get; }

    /// <summary>The 1x1 strided projection of the shortcut ("downsample.0"/"downsample.1"), or null for the identity.</summary>
    internal abstract (Conv2d Conv, CountedBatchNorm2d Norm)? Downsample { get; }

    // Intermediates are not disposed here: callers run forward inside a DisposeScope (one per batch).
    public override Tensor forward(Tensor input)
    {
        var path = MainPath;
        var x = input;
        for (var i = 0; i < path.Count; i++)
        {
            x = path[i].Norm.call(path[i].Conv.call(x));
            if (i < path.Count - 1)
            {
                x = functional.relu(x);
            }
        }

        var identity = Downsample is { } d ? d.Norm.call(d.Conv.call(input)) : input;
        return functional.relu(x.add(identity, HeldScalars.One));
    }

    /// <summary>torchvision's downsample Sequential(conv1x1, BatchNorm2d), registered as "downsample".</summary>
    protected (Conv2d, CountedBatchNorm2d)? RegisterDownsample(int inplanes, int outplanes, int stride)
    {
        if (stride == 1 && inplanes == outplanes)
        {
            return null;
        }

        var slots = new ModuleSlots("downsample");
        var conv = slots.Add("0", Conv2d(inplanes, outplanes, 1, stride: stride, bias: false));
        var norm = slots.Add("1", new CountedBatchNorm2d(outplanes));
        register_module("downsample", slots);
        return (conv, norm);
    }

    protected (Conv2d, CountedBatchNorm2d) RegisterPair(int index, Conv2d conv, int channels)
    {
        var norm = new CountedBatchNorm2d(channels);
        register_module($"conv{index}", conv);
        register_module($"bn{index}", norm);
        return (conv, norm);
    }
}

/// <summary>torchvision.models.resnet.BasicBlock: conv1/bn1 (3x3, stride), conv2/bn2 (3x3); expansion 1.</summary>
internal sealed class BasicBlock : TorchvisionBlock
{
    private readonly (Conv2d, CountedBatchNorm2d)[] path;
    private readonly (Conv2d, CountedBatchNorm2d)? downsample;

    public BasicBlock(int inplanes, int planes, int stride)
        : base(nameof(BasicBlock))
    {
        path =
        [
            RegisterPair(1, Conv2d(inplanes, planes, 3, stride: stride, padding: 1, bias: false), planes),
            RegisterPair(2, Conv2d(planes, planes, 3, stride: 1, padding: 1, bias: false), planes),
        ];
        downsample = RegisterDownsample(inplanes, planes, stride);
    }

    internal override IReadOnlyList<(Conv2d Conv, CountedBatchNorm2d Norm)> MainPath => path;

    internal override (Conv2d Conv, CountedBatchNorm2d Norm)? Downsample => downsample;
}

/// <summary>
/// torchvision.models.resnet.Bottleneck (ResNet V1.5: the stride sits on the 3x3 convolution): conv1/bn1
/// (1x1 to the inner width), conv2/bn2 (3x3, stride), conv3/bn3 (1x1 to planes x 4).
/// </summary>
internal sealed class Bottleneck : TorchvisionBlock
{
    private readonly (Conv2d, CountedBatchNorm2d)[] path;
    private readonly (Conv2d, CountedBatchNorm2d)? downsample;

    public Bottleneck(int inplanes, int planes, int stride, int widthPerGroup)
        : base(nameof(Bottleneck))
    {
        // torchvision: width = int(planes * (base_width / 64.0)) * groups, with groups = 1.
        var width = (int)(planes * (widthPerGroup / 64.0));
        var outplanes = planes * 4;
        path =
        [
            RegisterPair(1, Conv2d(inplanes, width, 1, bias: false), width),
            RegisterPair(2, Conv2d(width, width, 3, stride: stride, padding: 1, bias: false), width),
            RegisterPair(3, Conv2d(width, outplanes, 1, bias: false), outplanes),
        ];
        downsample = RegisterDownsample(inplanes, outplanes, stride);
    }

    internal override IReadOnlyList<(Conv2d Conv, CountedBatchNorm2d Norm)> MainPath => path;

    internal override (Conv2d Conv, CountedBatchNorm2d Norm)? Downsample => downsample;
}
