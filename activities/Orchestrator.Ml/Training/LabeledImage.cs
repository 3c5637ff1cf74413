namespace Orchestrator.Ml.Training;

/// <summary>
/// A decoded training or evaluation image: 8-bit RGB, row-major, channels interleaved, with its class
/// index and optional slice attributes (e.g. lighting=night) used by per-slice metrics. A multi-label image carries
/// <see cref="Targets"/>, its multi-hot label vector (1 where the label applies), and Label 0.
/// </summary>
public sealed record LabeledImage(int Width, int Height, ReadOnlyMemory<byte> Pixels, int Label, IReadOnlyDictionary<string, string>? Slices = null, float[]? Targets = null)
{
    /// <summary>Throws when the pixel buffer does not match the size or the label is negative.</summary>
    public void Validate()
    {
        if (Width <= 0 || Height <= 0 || Pixels.Length != Width * Height * 3)
        {
            throw new ArgumentException($"Image of {Width}x{Height} has {Pixels.Length} bytes; expected {Width * Height * 3}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(Label);
    }
}
