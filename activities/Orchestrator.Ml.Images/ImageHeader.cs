using System.Buffers.Binary;

namespace Orchestrator.Ml.Data;

/// <summary>
/// What an encoded image declares before any pixel is decoded: its format and dimensions. Read from the header itself (PNG's IHDR chunk, JPEG's first
/// SOFn frame header, found by walking the marker segments by their lengths, as the decoder does), so an
/// image declaring 16384x16384 in a 1 MB file is refused by <see cref="ImageLimits"/> without allocating
/// its 800 MB of pixels.
/// </summary>
/// <param name="Format">"png" or "jpeg".</param>
/// <param name="Width">Declared width in pixels (at least 1).</param>
/// <param name="Height">Declared height in pixels (at least 1).</param>
public readonly record struct ImageHeader(string Format, int Width, int Height)
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Declared pixel count.</summary>
    public long Pixels => (long)Width * Height;

    /// <summary>Reads the header of a PNG or JPEG; false with a reason (never the content) when there is no usable one.</summary>
    public static bool TryRead(ReadOnlySpan<byte> content, out ImageHeader header, out string? error)
    {
        header = default;
        if (content.StartsWith(PngSignature))
        {
            return TryReadPng(content, out header, out error);
        }

        if (content.Length >= 3 && content[0] == 0xFF && content[1] == 0xD8 && content[2] == 0xFF)
        {
            return TryReadJpeg(content, out header, out error);
        }

        error = content.IsEmpty ? "empty file" : "not a PNG or JPEG (unknown signature)";
        return false;
    }

    /// <summary>The IHDR chunk, which the PNG specification requires to come first.</summary>
    private static bool TryReadPng(ReadOnlySpan<byte> content, out ImageHeader header, out string? error)
    {
        header = default;
        // signature (8), chunk length (4) = 13, "IHDR" (4), width (4), height (4), depth, colour type, ...
        if (content.Length < 33 || BinaryPrimitives.ReadUInt32BigEndian(content[8..]) != 13 || !content.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            error = "PNG without an IHDR header chunk first";
            return false;
        }

        var width = BinaryPrimitives.ReadUInt32BigEndian(content[16..]);
        var height = BinaryPrimitives.ReadUInt32BigEndian(content[20..]);
        return Dimensions("png", width, height, out header, out error);
    }

    /// <summary>
    /// Walks the marker segments from SOI to the first frame header (SOF0-SOF15 but DHT, JPG and DAC). Fill bytes
    /// (0xFF) before a marker are skipped; anything else that is not a marker, a scan before any frame header, or
    /// a segment running past the end is refused, so a file this reader cannot follow is never handed to the decoder.
    /// </summary>
    private static bool TryReadJpeg(ReadOnlySpan<byte> content, out ImageHeader header, out string? error)
    {
        header = default;
        var at = 2;
        while (true)
        {
            if (at >= content.Length || content[at] != 0xFF)
            {
                error = "JPEG without a frame header (bytes between segments that are not a marker)";
                return false;
            }

            while (at < content.Length && content[at] == 0xFF)
            {
                at++;
            }

            if (at >= content.Length)
            {
                error = "JPEG truncated before its frame header";
                return false;
            }

            var marker = content[at++];
            if (marker is (>= 0xD0 and <= 0xD7) or 0x01)
            {
                continue; // restart markers and TEM stand alone
            }

            if (marker is 0xD8 or 0xD9 or 0xDA or 0x00)
            {
                error = "JPEG without a frame header before its first scan";
                return false;
            }

            var length = at + 2 <= content.Length ? BinaryPrimitives.ReadUInt16BigEndian(content[at..]) : 0;
            if (length < 2 || at + length > content.Length)
            {
                error = "JPEG truncated before its frame header";
                return false;
            }

            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (length < 8)
                {
                    error = "JPEG frame header too short";
                    return false;
                }

                // length (2), precision (1), height (2), width (2), components (1)
                var height = BinaryPrimitives.ReadUInt16BigEndian(content[(at + 3)..]);
                var width = BinaryPrimitives.ReadUInt16BigEndian(content[(at + 5)..]);
                return Dimensions("jpeg", width, height, out header, out error);
            }

            at += length;
        }
    }

    private static bool Dimensions(string format, uint width, uint height, out ImageHeader header, out string? error)
    {
        header = default;
        // A height of 0 in a JPEG means "given later by a DNL marker", which the decoder does not support either.
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
        {
            error = $"{format} header declares the impossible size {width}x{height}";
            return false;
        }

        header = new ImageHeader(format, (int)width, (int)height);
        error = null;
        return true;
    }
}
