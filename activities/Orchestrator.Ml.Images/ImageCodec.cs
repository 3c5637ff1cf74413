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
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> JpegSignature => [0xFF, 0xD8, 0xFF];

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
    /// Decodes a PNG or JPEG to RGB. Never throws on bad content: returns false with a reason that the
    /// corrupt-image report carries (a dataset of a million images must not die on one bad file).
    /// </summary>
    public static bool TryDecode(byte[] content, out RgbImage? image, out string? error)
    {
        ArgumentNullException.ThrowIfNull(content);
        image = null;
        error = null;
        if (!content.AsSpan().StartsWith(PngSignature) && !content.AsSpan().StartsWith(JpegSignature))
        {
            error = content.Length == 0 ? "empty file" : "not a PNG or JPEG (unknown signature)";
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
}
