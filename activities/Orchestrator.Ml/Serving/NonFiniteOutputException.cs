namespace Orchestrator.Ml.Serving;

/// <summary>
/// A model answered with NaN or infinite logits: the model is broken for these inputs, and its answer must
/// not be served as a prediction or softmaxed into one.
/// </summary>
public sealed class NonFiniteOutputException(int images, int total)
    : Exception($"the model's output is not finite for {images} of {total} image(s) (NaN or infinite logits)")
{
    /// <summary>How many of the images got a non-finite output.</summary>
    public int Images { get; } = images;

    /// <summary>How many images were in the request.</summary>
    public int Total { get; } = total;
}
