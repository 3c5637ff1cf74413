using Orchestrator.Ml.Data;

namespace Orchestrator.Cli.Demo;

/// <summary>
/// Traffic for the predict endpoint from the same synthetic generator the dataset comes from: seeds
/// other than the training data's, so the model sees images it never trained on; <c>drift</c> turns the
/// generator's drift knob (darker, noisier, colour-cast, smaller shapes).
/// </summary>
public sealed class DemoImages(long seed, double drift)
{
    private readonly SyntheticShapes _shapes = new(new SyntheticShapesOptions(seed, int.MaxValue, Drift: drift));
    private int _next;

    /// <summary>The next <paramref name="count"/> images as a predict request body {"images":[base64...]}.</summary>
    public object NextBatch(int count)
    {
        var images = new string[count];
        for (var i = 0; i < count; i++)
        {
            images[i] = Convert.ToBase64String(ImageCodec.EncodePng(_shapes.Generate(_next++).Image));
        }

        return new { images };
    }
}
