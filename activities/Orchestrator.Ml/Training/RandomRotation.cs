namespace Orchestrator.Ml.Training;

/// <summary>
/// Where a rotated image's pixels come from: output pixel (x, y) of a square image rotated counter-clockwise by an angle about
/// its centre ((size - 1) / 2) samples the nearest source pixel of the inverse rotation, and nothing (zero fill) when that lies
/// outside the image; torchvision's RandomRotation with its defaults (NEAREST, expand=False, fill=0). The arithmetic is written
/// once here in double precision, one IEEE operation at a time, and <see cref="DeviceInput"/> does the same operations in the
/// same order on float64 tensors, so both paths pick the same source pixel for every output pixel.
/// </summary>
public static class RandomRotation
{
    /// <summary>Cosine and sine of <paramref name="degrees"/>, the two numbers both paths rotate with.</summary>
    public static (double Cos, double Sin) Trigonometry(float degrees)
    {
        var radians = degrees * (Math.PI / 180.0);
        return (Math.Cos(radians), Math.Sin(radians));
    }

    /// <summary>The source pixel (<paramref name="u"/>, <paramref name="v"/>) of output pixel (<paramref name="x"/>, <paramref name="y"/>); false when it is outside the image.</summary>
    public static bool Source(int x, int y, int size, double cos, double sin, out int u, out int v)
    {
        var centre = (size - 1) / 2.0;
        var dx = x - centre;
        var dy = y - centre;
        // Image rows grow downwards, so a counter-clockwise turn on screen takes (x, y) from (cos dx - sin dy, sin dx + cos dy).
        u = (int)Math.Floor((cos * dx) - (sin * dy) + centre + 0.5);
        v = (int)Math.Floor((sin * dx) + (cos * dy) + centre + 0.5);
        return (uint)u < (uint)size && (uint)v < (uint)size;
    }
}
