namespace Orchestrator.Ml.Data;

/// <summary>A short thin line segment: background clutter that never forms a whole shape.</summary>
internal readonly record struct Stroke(double X0, double Y0, double X1, double Y1, double HalfWidth)
{
    public static Stroke Random(int n, ref DeterministicRandom random)
    {
        var x0 = random.NextDouble(0, n);
        var y0 = random.NextDouble(0, n);
        var (sin, cos) = DeterministicTrig.SinCos(random.NextDouble(0, 2 * Math.PI));
        var length = random.NextDouble(0.12, 0.3) * n;
        return new Stroke(x0, y0, x0 + (length * cos), y0 + (length * sin), 0.45);
    }

    public (int X0, int Y0, int X1, int Y1) Bounds()
    {
        static int Floor(double v) => (int)Math.Floor(v);
        return (Floor(Math.Min(X0, X1) - 1), Floor(Math.Min(Y0, Y1) - 1), Floor(Math.Max(X0, X1) + 1), Floor(Math.Max(Y0, Y1) + 1));
    }

    /// <summary>Squared distance to the segment compared with the half width: no square roots.</summary>
    public bool Contains(double x, double y)
    {
        var dx = X1 - X0;
        var dy = Y1 - Y0;
        var t = Math.Clamp((((x - X0) * dx) + ((y - Y0) * dy)) / ((dx * dx) + (dy * dy)), 0, 1);
        var ex = x - (X0 + (t * dx));
        var ey = y - (Y0 + (t * dy));
        return (ex * ex) + (ey * ey) <= HalfWidth * HalfWidth;
    }
}
