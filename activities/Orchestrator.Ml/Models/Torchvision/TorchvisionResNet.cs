using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Orchestrator.Ml.Models.Torchvision;

/// <summary>
/// torchvision.models.resnet.ResNet in TorchSharp: conv1, bn1, maxpool, layer1..layer4 of
/// <see cref="BasicBlock"/> or <see cref="Bottleneck"/>, global average pooling and fc. Module names,
/// state-dict keys (num_batches_tracked included), shapes and initialisation are torchvision's, so a
/// torchvision state dict loads key for key. Inputs are ImageNet-normalised NCHW floats; outputs logits.
/// </summary>
public sealed class TorchvisionResNet : ImageClassifier
{
    /// <summary>Prefix of the head's state-dict keys.</summary>
    public const string HeadPrefix = "fc.";

    private readonly Conv2d conv1;
    private readonly CountedBatchNorm2d bn1;
    private readonly MaxPool2d maxpool;
    private readonly TorchvisionBlock[][] layers;
    private readonly Linear fc;

    public TorchvisionResNet(ModelSpec spec)
        : base(nameof(TorchvisionResNet), spec)
    {
        var layout = spec.ResNet ?? throw new ArgumentException("A torchvision ResNet needs a layout.", nameof(spec));
        conv1 = Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false);
        bn1 = new CountedBatchNorm2d(64);
        maxpool = MaxPool2d(3, stride: 2, padding: 1);
        register_module("conv1", conv1);
        register_module("bn1", bn1);
        var inplanes = 64;
        layers = new TorchvisionBlock[4][];
        for (var stage = 0; stage < 4; stage++)
        {
            var slots = new ModuleSlots($"layer{stage + 1}");
            var planes = 64 << stage;
            layers[stage] = new TorchvisionBlock[layout.Layers[stage]];
            for (var i = 0; i < layers[stage].Length; i++)
            {
                var stride = stage > 0 && i == 0 ? 2 : 1;
                layers[stage][i] = slots.Add($"{i}", layout.Block == ResidualBlockKind.Bottleneck
                    ? new Bottleneck(inplanes, planes, stride, layout.WidthPerGroup)
                    : (TorchvisionBlock)new BasicBlock(inplanes, planes, stride));
                inplanes = planes * layout.Expansion;
            }

            register_module($"layer{stage + 1}", slots);
        }

        fc = Linear(inplanes, spec.NumClasses);
        register_module("fc", fc);
        TorchvisionInit.ResNet(this);
    }

    // Children are registered by hand under torchvision's names; the typed fields are references, not more modules.
    protected override void RegisterComponents()
    {
    }

    internal Conv2d Conv1 => conv1;
    internal CountedBatchNorm2d Bn1 => bn1;
    internal MaxPool2d MaxPool => maxpool;
    internal IEnumerable<TorchvisionBlock> Blocks => layers.SelectMany(l => l);

    /// <summary>The blocks with their state-dict prefixes ("layer1.0", ...).</summary>
    internal IEnumerable<(TorchvisionBlock Block, string Name)> NamedBlocks =>
        layers.SelectMany((blocks, stage) => blocks.Select((block, i) => (block, $"layer{stage + 1}.{i}")));
    internal Linear Fc => fc;

    public override void ResetHead(Generator? generator = null) => TorchvisionInit.LinearDefault(fc, generator);

    // Intermediates are not disposed here: callers run forward inside a DisposeScope (one per batch).
    public override Tensor forward(Tensor input)
    {
        var x = maxpool.call(functional.relu(bn1.call(conv1.call(input))));
        foreach (var block in Blocks)
        {
            x = block.call(x);
        }

        return fc.call(functional.adaptive_avg_pool2d(x, 1).flatten(1));
    }
}
