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
    /// A network (any architecture) of <paramref name="numClasses"/> classes initialised from
    /// <paramref name="source"/>'s best weights; <paramref name="sameClasses"/> false replaces the head even
    /// when the count is unchanged (classes renamed or reordered). In training mode.
    /// </summary>
    public static ImageClassifier Initialise(TrainingCheckpoint source, int numClasses, bool sameClasses = true)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var previous = source.CreateClassifier(bestWeights: true);
        var model = ImageClassifier.Create(source.Spec with { NumClasses = numClasses });
        var keepHead = KeepsHead(source, numClasses, sameClasses);
        StateDictionaryFormat.CopyInto(model, previous.state_dict(), name => !keepHead && model.IsHeadKey(name));
        model.train();
        return model;
    }

    /// <summary><see cref="Initialise"/> for a checkpoint of the project's own small ResNets, typed as such.</summary>
    public static ResNet FromCheckpoint(TrainingCheckpoint source, int numClasses, bool sameClasses = true)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Spec.IsTorchvision)
        {
            throw new InvalidOperationException($"The checkpoint holds a {source.Spec.Architecture}; use Initialise for it.");
        }

        return (ResNet)Initialise(source, numClasses, sameClasses);
    }

    /// <summary>Whether <see cref="Initialise"/> keeps the source's head.</summary>
    public static bool KeepsHead(TrainingCheckpoint source, int numClasses, bool sameClasses = true)
    {
        ArgumentNullException.ThrowIfNull(source);
        return sameClasses && numClasses == source.Spec.NumClasses;
    }
}
