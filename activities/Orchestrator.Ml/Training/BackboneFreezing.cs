using Orchestrator.Ml.Models;
using TorchSharp.Modules;

namespace Orchestrator.Ml.Training;

/// <summary>
/// Which parts of a network train in an epoch: everything, or (with a frozen backbone) the head plus, from epoch
/// <see cref="TrainingOptions.UnfreezeAfterEpochs"/> + 1 on, the last <see cref="TrainingOptions.UnfreezeLastStages"/> backbone
/// stages. A pure function of the epoch, so a resumed run freezes exactly what the uninterrupted run froze. Frozen parts
/// keep their batch-norm statistics (they are part of the features) by staying in inference mode.
/// </summary>
internal sealed class BackboneFreezing(ImageClassifier model, TrainingOptions options)
{
    private readonly IReadOnlyList<string> stages = model.StagePrefixes();
    private HashSet<string> frozen = [];

    /// <summary>The stages frozen in <paramref name="epoch"/> (0-based).</summary>
    public IReadOnlySet<string> FrozenStages(int epoch)
    {
        if (!options.FreezeBackbone)
        {
            return new HashSet<string>();
        }

        var unfrozen = epoch >= options.UnfreezeAfterEpochs ? Math.Min(options.UnfreezeLastStages, stages.Count) : 0;
        return stages.Take(stages.Count - unfrozen).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Sets requires_grad for <paramref name="epoch"/>: frozen stages get no gradient (the optimiser skips them).</summary>
    public void Apply(int epoch)
    {
        frozen = [.. FrozenStages(epoch)];
        foreach (var (name, parameter) in model.named_parameters())
        {
            parameter.requires_grad = model.IsHeadKey(name) || !frozen.Contains(ImageClassifier.StageOf(name));
        }
    }

    /// <summary>After model.train(): the frozen stages' batch norms back in inference mode.</summary>
    public void KeepFrozenStatistics()
    {
        foreach (var (name, module) in model.named_modules())
        {
            if (module is CountedBatchNorm2d norm && !model.IsHeadKey(name + ".") && frozen.Contains(ImageClassifier.StageOf(name + ".x")))
            {
                norm.eval();
            }
        }
    }
}
