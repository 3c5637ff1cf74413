using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Orchestrator.Ml.Models;

/// <summary>
/// A ResNet-style image classifier built from a <see cref="ModelSpec"/>: stem, stages of residual blocks
/// (width doubling and resolution halving per stage), global average pooling and a linear head.
/// Inputs are normalised NCHW float tensors; outputs are logits.
/// </summary>
public sealed class ResNet : ImageClassifier
{
    /// <summary>Prefix of the head's state-dict keys; transfer learning replaces exactly these.</summary>
    public const string HeadPrefix = "head.";

    private readonly Conv2d stem_conv;
    private readonly CountedBatchNorm2d stem_bn;
    private readonly MaxPool2d? stem_pool;
    private readonly ModuleList<ResidualBlock> blocks;
    private readonly Linear head;

    public ResNet(ModelSpec spec)
        : base(nameof(ResNet), spec)
    {
        if (spec.IsTorchvision)
        {
            throw new ArgumentException($"{spec.Architecture} is built by ImageClassifier.Create, not as this project's small ResNet.", nameof(spec));
        }

        if (spec.Architecture == Architecture.ResNet224)
        {
            stem_conv = Conv2d(3, spec.Width, 7, stride: 2, padding: 3, bias: false);
            stem_pool = MaxPool2d(3, stride: 2, padding: 1);
        }
        else
        {
            stem_conv = Conv2d(3, spec.Width, 3, stride: spec.StemStride, padding: 1, bias: false);
        }

        stem_bn = new CountedBatchNorm2d(spec.Width);
        blocks = new ModuleList<ResidualBlock>();
        var channels = spec.Width;
        for (var stage = 0; stage < spec.Stages; stage++)
        {
            var outChannels = spec.Width << stage;
            for (var i = 0; i < spec.BlocksPerStage; i++)
            {
                var stride = stage > 0 && i == 0 ? 2 : 1;
                blocks.Add(new ResidualBlock($"block{stage}_{i}", channels, outChannels, stride));
                channels = outChannels;
            }
        }

        head = Linear(channels, spec.NumClasses);
        RegisterComponents();
    }

    internal Conv2d StemConv => stem_conv;
    internal CountedBatchNorm2d StemBn => stem_bn;
    internal MaxPool2d? StemPool => stem_pool;
    internal IEnumerable<ResidualBlock> Blocks => blocks;
    internal Linear Head => head;

    /// <summary>nn.Linear's default initialisation, as a new head gets it.</summary>
    public override void ResetHead(Generator? generator = null) => Torchvision.TorchvisionInit.LinearDefault(head, generator);

    // Intermediates are not disposed here: callers run forward inside a DisposeScope (one per batch).
    public override Tensor forward(Tensor input)
    {
        var x = functional.relu(stem_bn.call(stem_conv.call(input)));
        if (stem_pool is not null)
        {
            x = stem_pool.call(x);
        }

        foreach (var block in blocks)
        {
            x = block.call(x);
        }

        x = functional.adaptive_avg_pool2d(x, 1).flatten(1);
        return head.call(x);
    }
}
