using StbImageSharp;
using StbImageWriteSharp;
using ReadComponents = StbImageSharp.ColorComponents;
using WriteComponents = StbImageWriteSharp.ColorComponents;

namespace Orchestrator.Ml.Data;

/// <summary>
/// PNG/JPEG decoding and PNG encoding in pure C# (stb_image ports), so every worker decodes the same
/// bytes to the same pixels without a native image library.
/// </summary>
public static class ImageCodec
{
    /// <summary>Encodes <paramref name="image"/> as an 8-bit RGB PNG (stored deflate, see <see cref="PngEncoder"/>);
    /// the same pixels give the same bytes on every runtime.</summary>
    public static byte[] EncodePng(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return PngEncoder.Encode(image);
    }

    /// <summary>Encodes <paramref name="image"/> as a baseline JPEG (lossy; for loader tests and imports).</summary>
    public static byte[] EncodeJpeg(RgbImage image, int quality = 90)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var output = new MemoryStream(image.Pixels.Length);
        new ImageWriter().WriteJpg(image.Pixels, image.Width, image.Height, WriteComponents.RedGreenBlue, output, quality);
        return output.ToArray();
    }

    /// <summary>
    /// Decodes a PNG or JPEG to RGB within <see cref="ImageLimits.Default"/>. Never throws on bad content: returns
    /// false with a reason that the corrupt-image report carries (a dataset of a million images must not die on one bad file).
    /// </summary>
    public static bool TryDecode(byte[] content, out RgbImage? image, out string? error) => TryDecode(content, ImageLimits.Default, out image, out error);

    /// <summary>
    /// Decodes a PNG or JPEG to RGB when its header (<see cref="ImageHeader"/>) declares a size within
    /// <paramref name="limits"/> (and, for PNG, its data inflates to no more than that size needs); every other
    /// image is refused before a pixel is allocated. Never throws on bad content.
    /// </summary>
    public static bool TryDecode(byte[] content, ImageLimits limits, out RgbImage? image, out string? error)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(limits);
        image = null;
        if (!TryCheck(content, limits, out _, out error))
        {
            return false;
        }

        try
        {
            var result = ImageResult.FromMemory(content, ReadComponents.RedGreenBlue);
            if (result.Width <= 0 || result.Height <= 0 || result.Data.Length != result.Width * result.Height * 3)
            {
                error = $"decoder returned an inconsistent image ({result.Width}x{result.Height}, {result.Data.Length} bytes)";
                return false;
            }

            image = new RgbImage(result.Width, result.Height, result.Data);
            return true;
        }
#pragma warning disable CA1031 // stb's ports signal bad data with several exception types (InvalidOperation, IndexOutOfRange, ...); all mean "undecodable".
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error = $"undecodable: {ex.Message}";
            return false;
        }
    }

    /// <summary>
    /// The checks <see cref="TryDecode(byte[], ImageLimits, out RgbImage?, out string?)"/> makes before decoding, without
    /// decoding: a PNG or JPEG header declaring a size within <paramref name="limits"/>.
    /// </summary>
    public static bool TryCheck(byte[] content, ImageLimits limits, out ImageHeader header, out string? error)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(limits);
        if (!ImageHeader.TryRead(content, out header, out error))
        {
            return false;
        }

        error = limits.Check(header);
        return error is null && (header.Format != "png" || PngData.WithinBound(content, header, out error));
    }
}
