namespace Orchestrator.Ml.Data;

/// <summary>Point-in-shape tests in the shape's own rotated frame (image y grows downwards).</summary>
internal readonly struct ShapeOutline
{
    private const double Sqrt3Over2 = 0.8660254037844386;

    private readonly int _kind;
    private readonly double _cx;
    private readonly double _cy;
    private readonly double _r;
    private readonly double _sin;
    private readonly double _cos;

    public ShapeOutline(string shape, double cx, double cy, double radius, double angle)
    {
        _kind = shape switch
        {
            "circle" => 0,
            "square" => 1,
            "triangle" => 2,
            "cross" => 3,
            "ring" => 4,
            _ => throw new ArgumentException($"Unknown shape '{shape}'.", nameof(shape)),
        };
        (_cx, _cy, _r) = (cx, cy, radius);
        (_sin, _cos) = DeterministicTrig.SinCos(angle);
    }

    /// <summary>The pixel box that can contain the shape (its circumscribing circle), clipped to the image.</summary>
    public (int X0, int Y0, int X1, int Y1) Bounds(int n)
    {
        var reach = _r * 1.2;
        return (Clip((int)(_cx - reach), n), Clip((int)(_cy - reach), n), Clip((int)(_cx + reach) + 1, n), Clip((int)(_cy + reach) + 1, n));
    }

    public bool Contains(double x, double y)
    {
        var dx = x - _cx;
        var dy = y - _cy;
        var u = (dx * _cos) + (dy * _sin);
        var v = (dy * _cos) - (dx * _sin);
        var r = _r;
        switch (_kind)
        {
            case 0:
                return (u * u) + (v * v) <= r * r;
            case 1:
                return Math.Abs(u) <= 0.8 * r && Math.Abs(v) <= 0.8 * r;
            case 2:
                // Equilateral, apex up, circumradius 1.1r: inside all three edges (inradius 0.55r).
                var inradius = 0.55 * r;
                return v <= inradius
                    && (-Sqrt3Over2 * u) - (0.5 * v) <= inradius
                    && (Sqrt3Over2 * u) - (0.5 * v) <= inradius;
            case 3:
                var arm = 0.28 * r;
                return (Math.Abs(u) <= arm && Math.Abs(v) <= r) || (Math.Abs(v) <= arm && Math.Abs(u) <= r);
            default:
                var d2 = (u * u) + (v * v);
                return d2 <= r * r && d2 >= 0.3025 * r * r;
        }
    }

    private static int Clip(int value, int n) => Math.Clamp(value, 0, n - 1);
}
