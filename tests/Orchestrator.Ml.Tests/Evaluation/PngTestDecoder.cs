using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Orchestrator.Ml.Tests.Evaluation;

/// <summary>Decodes the encoder's own output (RGB, filter 0) and checks every chunk CRC, to prove the PNGs are well formed.</summary>
internal static class PngTestDecoder
{
    public static (int Width, int Height, byte[] Pixels) Decode(byte[] png)
    {
        var position = 8;
        int width = 0, height = 0;
        using var idat = new MemoryStream();
        while (position < png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(position));
            var type = Encoding.ASCII.GetString(png, position + 4, 4);
            var data = png.AsSpan(position + 8, length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(position + 8 + length));
            Crc32(png.AsSpan(position + 4, length + 4)).ShouldBe(crc, type);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            position += 12 + length;
        }

        idat.Position = 0;
        using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        var rows = raw.ToArray();
        rows.Length.ShouldBe(height * ((width * 3) + 1));
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            rows[y * ((width * 3) + 1)].ShouldBe((byte)0);
            Array.Copy(rows, (y * ((width * 3) + 1)) + 1, pixels, y * width * 3, width * 3);
        }

        return (width, height, pixels);
    }

    // Bitwise CRC-32 (ISO 3309), deliberately not the encoder's table version.
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
