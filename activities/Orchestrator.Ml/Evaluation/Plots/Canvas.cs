using Orchestrator.Ml.Data;

namespace Orchestrator.Ml.Evaluation.Plots;

/// <summary>An RGB raster with the few primitives the report's charts need.</summary>
public sealed class Canvas
{
    private readonly byte[] pixels;

    public Canvas(int width, int height)
    {
        Width = width;
        Height = height;
        pixels = new byte[width * height * 3];
        Array.Fill(pixels, (byte)255);
    }

    public int Width { get; }

    public int Height { get; }

    public void Set(int x, int y, (byte R, byte G, byte B) colour)
    {
        if ((uint)x < (uint)Width && (uint)y < (uint)Height)
        {
            var i = ((y * Width) + x) * 3;
            (pixels[i], pixels[i + 1], pixels[i + 2]) = colour;
        }
    }

    public void FillRect(int x, int y, int w, int h, (byte R, byte G, byte B) colour)
    {
        for (var yy = y; yy < y + h; yy++)
        {
            for (var xx = x; xx < x + w; xx++)
            {
                Set(xx, yy, colour);
            }
        }
    }

    /// <summary>A line of the given thickness (Bresenham with a square brush).</summary>
    public void Line(int x0, int y0, int x1, int y1, (byte R, byte G, byte B) colour, int thickness = 1)
    {
        int dx = Math.Abs(x1 - x0), dy = -Math.Abs(y1 - y0);
        int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, error = dx + dy;
        while (true)
        {
            FillRect(x0 - (thickness / 2), y0 - (thickness / 2), thickness, thickness, colour);
            if (x0 == x1 && y0 == y1)
            {
                break;
            }

            var e2 = 2 * error;
            if (e2 >= dy)
            {
                error += dy;
                x0 += sx;
            }

            if (e2 <= dx)
            {
                error += dx;
                y0 += sy;
            }
        }
    }

    /// <summary>Text in the 5x7 font, <paramref name="scale"/> pixels per font pixel.</summary>
    public void Text(int x, int y, string text, (byte R, byte G, byte B) colour, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            for (var gy = 0; gy < Font5x7.Height; gy++)
            {
                for (var gx = 0; gx < Font5x7.Width; gx++)
                {
                    if (Font5x7.Ink(text[i], gx, gy))
                    {
                        FillRect(x + (((i * (Font5x7.Width + 1)) + gx) * scale), y + (gy * scale), scale, scale, colour);
                    }
                }
            }
        }
    }

    /// <summary>Width in pixels of <paramref name="text"/> at <paramref name="scale"/>.</summary>
    public static int TextWidth(string text, int scale = 1) => (text?.Length ?? 0) * (Font5x7.Width + 1) * scale;

    public byte[] ToPng() => PngEncoder.EncodeCompressed(Width, Height, pixels);
}
