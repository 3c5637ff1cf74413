namespace Orchestrator.Ml.Data;

/// <summary>
/// A decoded image: 8-bit RGB, row-major, channels interleaved (R,G,B per pixel). The one pixel layout
/// every loader, the synthetic generator and the perceptual hashes agree on.
/// </summary>
public sealed class RgbImage
{
    /// <summary>Wraps <paramref name="pixels"/> (not copied); its length must be width * height * 3.</summary>
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != width * height * 3)
        {
            throw new ArgumentException($"Expected {width * height * 3} bytes for {width}x{height} RGB, got {pixels.Length}.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>R,G,B bytes per pixel, rows top to bottom.</summary>
#pragma warning disable CA1819 // The pixel buffer is shared on purpose: copying 3 KB per image per stage would dominate ingest time.
    public byte[] Pixels { get; }
#pragma warning restore CA1819

    /// <summary>Luma (ITU-R BT.601 weights) of pixel (x, y), 0..255.</summary>
    public double Luma(int x, int y)
    {
        var i = ((y * Width) + x) * 3;
        return (0.299 * Pixels[i]) + (0.587 * Pixels[i + 1]) + (0.114 * Pixels[i + 2]);
    }
}
