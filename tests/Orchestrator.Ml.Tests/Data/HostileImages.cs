using System.Buffers.Binary;
using System.IO.Compression;
using Orchestrator.Ml.Data;

namespace Orchestrator.Ml.Tests.Data;

/// <summary>
/// Images that lie about their size: small files whose headers declare huge dimensions (a decoder trusting them
/// allocates width x height x 3 bytes and more), and a PNG whose little compressed data inflates to far more than its
/// header needs. Also compiled into the API tests (the predict fuzz test).
/// </summary>
public static class HostileImages
{
    /// <summary>A PNG declaring <paramref name="width"/> x <paramref name="height"/> RGB with one row of real data.</summary>
    public static byte[] Png(int width, int height) => PngWithData(width, height, Deflate(new byte[1 + (3 * Math.Min(width, 64))]));

    /// <summary>A PNG declaring 1x1 RGB whose image data inflates to <paramref name="inflatedBytes"/> (about a thousandth of that compressed).</summary>
    public static byte[] PngDeflateBomb(long inflatedBytes)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.SmallestSize))
        {
            var zeros = new byte[1 << 20];
            for (var left = inflatedBytes; left > 0; left -= zeros.Length)
            {
                zlib.Write(zeros, 0, (int)Math.Min(zeros.Length, left));
            }
        }

        return PngWithData(1, 1, output.ToArray());
    }

    /// <summary>
    /// A real baseline JPEG of a small image, its frame header patched to declare <paramref name="width"/> x <paramref name="height"/>,
    /// padded with comment segments to about <paramref name="padTo"/> bytes.
    /// </summary>
    public static byte[] BaselineJpeg(int width, int height, int padTo = 0)
    {
        var jpeg = ImageCodec.EncodeJpeg(new RgbImage(16, 16, new byte[16 * 16 * 3]));
        var at = jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(at + 5), (ushort)height);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(at + 7), (ushort)width);
        using var padded = new MemoryStream();
        padded.Write(jpeg, 0, 2);
        for (var size = jpeg.Length; size < padTo; size += 65535 + 2)
        {
            padded.Write([0xFF, 0xFE, 0xFF, 0xFF]); // COM, 65535 bytes with its length
            padded.Write(new byte[65533]);
        }

        padded.Write(jpeg, 2, jpeg.Length - 2);
        return padded.ToArray();
    }

    /// <summary>A progressive-JPEG frame header (SOF2) declaring <paramref name="width"/> x <paramref name="height"/>, behind an APP0 segment.</summary>
    public static byte[] ProgressiveJpeg(int width, int height)
    {
        using var jpeg = new MemoryStream();
        jpeg.Write([0xFF, 0xD8]);
        jpeg.Write([0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        jpeg.Write([0xFF, 0xFF, 0xC2, 0x00, 0x11, 0x08, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 0x03]);
        jpeg.Write([0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
        jpeg.Write(new byte[2048]); // what would be scans
        jpeg.Write([0xFF, 0xD9]);
        return jpeg.ToArray();
    }

    private static byte[] PngWithData(int width, int height, byte[] idat)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // RGB
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", idat);
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static byte[] Deflate(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.SmallestSize))
        {
            zlib.Write(raw);
        }

        return output.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        var typed = new byte[4 + data.Length];
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(typed, 0);
        data.CopyTo(typed, 4);
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typed));
        png.Write(word);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
