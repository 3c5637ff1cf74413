using Orchestrator.Ml.Evaluation;
using Orchestrator.Ml.Training;

namespace Orchestrator.Ml.Monitoring;

/// <summary>Builds the training reference from an evaluation's own inputs and outputs, so it costs no second inference pass.</summary>
public static class TrainingReferenceBuilder
{
    /// <summary>The reference of the model that produced <paramref name="predictions"/> on <paramref name="images"/> (same order).</summary>
    public static TrainingReference FromEvaluation(IReadOnlyList<LabeledImage> images, Predictions predictions, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(predictions);
        if (images.Count != predictions.Count)
        {
            throw new ArgumentException($"{images.Count} images but {predictions.Count} predictions.", nameof(predictions));
        }

        var means = images.Select(i => (IReadOnlyList<double>)TrainingReference.ChannelMeans(i.Pixels.Span)).ToArray();
        return TrainingReference.Build(means, predictions.Probabilities, classes);
    }
}
