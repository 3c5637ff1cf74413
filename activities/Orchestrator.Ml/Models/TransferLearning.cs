using Orchestrator.Ml.Training;

namespace Orchestrator.Ml.Models;

/// <summary>
/// Starts a new model version from a previous version's checkpoint: the backbone weights are copied, and
/// the head is kept when the class count is unchanged or freshly initialised for a changed class set.
/// Combine with <see cref="TrainingOptions.FreezeBackbone"/> to train only the new head.
/// </summary>
public static class TransferLearning
{
    /// <summary>
    /// A model of <paramref name="numClasses"/> classes initialised from <paramref name="source"/>'s best weights;
    /// <paramref name="sameClasses"/> false replaces the head even when the count is unchanged (classes renamed or reordered).
    /// </summary>
    public static ResNet FromCheckpoint(TrainingCheckpoint source, int numClasses, bool sameClasses = true)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var previous = source.CreateModel(bestWeights: true);
        var spec = source.Spec with { NumClasses = numClasses };
        var model = new ResNet(spec);
        var keepHead = KeepsHead(source, numClasses, sameClasses);
        var weights = previous.state_dict();
        StateDictionaryFormat.CopyInto(model, weights, name => !keepHead && name.StartsWith(ResNet.HeadPrefix, StringComparison.Ordinal));
        model.train();
        return model;
    }

    /// <summary>Whether <see cref="FromCheckpoint"/> keeps the source's head.</summary>
    public static bool KeepsHead(TrainingCheckpoint source, int numClasses, bool sameClasses = true)
    {
        ArgumentNullException.ThrowIfNull(source);
        return sameClasses && numClasses == source.Spec.NumClasses;
    }
}
