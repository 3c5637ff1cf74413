namespace Orchestrator.Ml.Evaluation;

/// <summary>The few distribution functions the metrics need (the BCL has no erfc).</summary>
public static class Statistics
{
    private static readonly double[] ErfcCoefficients =
        [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];

    /// <summary>P(X &lt;= k) doubled (capped at 1) for X ~ Binomial(n, 1/2): the two-sided sign test.</summary>
    public static double BinomialTwoSided(int k, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, k);
        if (n == 0)
        {
            return 1;
        }

        // Sum C(n,i) / 2^n in log space so large n does not overflow.
        var cumulative = 0.0;
        for (var i = 0; i <= k; i++)
        {
            cumulative += Math.Exp(LogChoose(n, i) - (n * Math.Log(2)));
        }

        return Math.Min(1, 2 * cumulative);
    }

    /// <summary>P(X &gt; x) for X ~ chi-square with 1 degree of freedom: erfc(sqrt(x / 2)).</summary>
    public static double ChiSquareOneDofSurvival(double x) => x <= 0 ? 1 : Erfc(Math.Sqrt(x / 2));

    /// <summary>Complementary error function (Numerical Recipes' Chebyshev fit, relative error under 1.2e-7).</summary>
    public static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + (0.5 * z));
        var poly = 0.0;
        for (var i = ErfcCoefficients.Length - 1; i >= 0; i--)
        {
            poly = (poly * t) + ErfcCoefficients[i];
        }

        var r = t * Math.Exp(-(z * z) + poly);
        return x >= 0 ? r : 2 - r;
    }

    private static double LogChoose(int n, int k)
    {
        var result = 0.0;
        for (var i = 1; i <= k; i++)
        {
            result += Math.Log(n - k + i) - Math.Log(i);
        }

        return result;
    }
}
