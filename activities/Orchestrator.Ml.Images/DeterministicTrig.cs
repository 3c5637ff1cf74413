namespace Orchestrator.Ml.Data;

/// <summary>
/// Sine and cosine from a fixed Taylor polynomial. Math.Sin may differ in the last bit between
/// platforms and runtimes, which would flip a rounded pixel and change a synthetic image's digest.
/// </summary>
internal static class DeterministicTrig
{
    /// <summary>sin and cos of <paramref name="radians"/>, accurate to ~1e-12 for any argument.</summary>
    public static (double Sin, double Cos) SinCos(double radians)
    {
        const double twoPi = 2 * Math.PI;
        var x = radians - (twoPi * Math.Floor((radians + Math.PI) / twoPi));
        return (Sin(x), Sin(x + (Math.PI / 2) > Math.PI ? x - (1.5 * Math.PI) : x + (Math.PI / 2)));
    }

    // Taylor series on [-pi, pi]; the x^27 term is below 1e-13 there.
    private static double Sin(double x)
    {
        var term = x;
        var sum = x;
        var x2 = x * x;
        for (var n = 1; n <= 13; n++)
        {
            term = -term * x2 / ((2 * n) * ((2 * n) + 1));
            sum += term;
        }

        return sum;
    }
}
