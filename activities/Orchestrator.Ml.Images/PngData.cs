using System.Buffers.Binary;
using System.IO.Compression;

namespace Orchestrator.Ml.Data;

/// <summary>
/// A PNG's image data against its header: the IDAT chunks' deflate stream must not inflate to more than the declared
/// width, height, colour type and bit depth need (stb grows its buffer until the stream ends, so a 0.5 MB PNG declaring
/// 1x1 made it allocate 512 MB).
/// </summary>
public static class PngData
{
    /// <summary>
    /// Whether a PNG's image data inflates to no more than its declared dimensions need. A deflate stream expands up
    /// to about 1,000 times, and a decoder that grows its buffer until the stream ends can be made to allocate
    /// gigabytes for a 1x1 image; this inflates into a small scratch buffer and stops at the bound.
    /// </summary>
    public static bool WithinBound(ReadOnlySpan<byte> png, ImageHeader header, out string? error)
    {
        error = null;
        var depth = png.Length > 24 ? png[24] : (byte)0;
        var channels = (png.Length > 25 ? png[25] : 255) switch
        {
            0 or 3 => 1,
            2 => 3,
            4 => 2,
            6 => 4,
            _ => 0,
        };
        if (channels == 0 || depth is not (1 or 2 or 4 or 8 or 16))
        {
            error = "PNG header declares an unknown colour type or bit depth";
            return false;
        }

        // Rows of filter byte + packed samples; Adam7 interlacing adds at most a filter byte and a partial byte per
        // row of each of its 7 passes.
        var rowBytes = ((long)header.Width * channels * depth + 7) / 8;
        var bound = header.Height * (1 + rowBytes) + (14L * header.Height) + 64;
        using var data = new MemoryStream();
        var at = 8;
        while (at + 12 <= png.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(png[at..]);
            if (length > png.Length - at - 12)
            {
                break; // truncated: the decoder refuses it
            }

            if (png.Slice(at + 4, 4).SequenceEqual("IDAT"u8))
            {
                data.Write(png.Slice(at + 8, (int)length));
            }
            else if (png.Slice(at + 4, 4).SequenceEqual("IEND"u8))
            {
                break;
            }

            at += 12 + (int)length;
        }

        data.Position = 0;
        try
        {
            using var inflate = new ZLibStream(data, CompressionMode.Decompress);
            var scratch = new byte[1 << 16];
            long total = 0;
            int read;
            while ((read = inflate.Read(scratch)) > 0)
            {
                total += read;
                if (total > bound)
                {
                    error = $"PNG image data inflates beyond the {bound} bytes its {header.Width}x{header.Height} header needs";
                    return false;
                }
            }
        }
        catch (InvalidDataException)
        {
            // Corrupt compressed data: the decoder refuses it with its own reason.
        }

        return true;
    }
}
