using Orchestrator.Ml.Data;

namespace Orchestrator.Ml.Training;

/// <summary>Adapters from the data stage's decoded images to the trainer's and evaluator's input.</summary>
public static class LabeledImages
{
    /// <summary>Wraps a generated image (pixels shared, not copied) with its class index in <paramref name="classes"/>.</summary>
    public static LabeledImage FromSynthetic(SyntheticImage image, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(classes);
        var label = classes.ToList().IndexOf(image.Label);
        if (label < 0)
        {
            throw new ArgumentException($"Label '{image.Label}' of {image.ItemId} is not one of the model's classes.", nameof(image));
        }

        return new LabeledImage(image.Image.Width, image.Image.Height, image.Image.Pixels, label, image.Slices);
    }
}
