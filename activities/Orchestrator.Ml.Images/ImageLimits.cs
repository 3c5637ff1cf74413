namespace Orchestrator.Ml.Data;

/// <summary>
/// The largest image a decode may produce, checked against the header before any pixel is decoded
/// (<see cref="ImageHeader"/>): decoded RGB needs 3 bytes per pixel and the decoder about as much again.
/// </summary>
/// <param name="MaxSide">Largest accepted width or height in pixels.</param>
/// <param name="MaxPixels">Largest accepted width x height.</param>
public sealed record ImageLimits(int MaxSide, long MaxPixels)
{
    /// <summary>
    /// The limits of dataset images (image folders, stored datasets): 8192 pixels a side and 32 megapixels, about
    /// 100 MB decoded; photographs of 24 megapixels pass, a header declaring 16384x16384 does not.
    /// </summary>
    public static ImageLimits Default { get; } = new(8192, 32L * 1024 * 1024);

    /// <summary>Why <paramref name="header"/> is refused, or null when it is within the limits.</summary>
    public string? Check(ImageHeader header) =>
        header.Width > MaxSide || header.Height > MaxSide
            ? $"{header.Format} header declares {header.Width}x{header.Height} pixels, above the largest accepted side of {MaxSide}"
            : header.Pixels > MaxPixels
                ? $"{header.Format} header declares {header.Width}x{header.Height} = {header.Pixels} pixels, above the limit of {MaxPixels}"
                : null;
}
