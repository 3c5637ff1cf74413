namespace Orchestrator.Ml.Evaluation;

/// <summary>The few distribution functions the metrics need (the BCL has no erfc).</summary>
public static class Statistics
{
    // Lanczos approximation of ln Γ (g = 7, nine terms; relative error below 1e-13 for positive arguments).
    private static readonly double[] LanczosCoefficients =
        [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
         12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

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

    /// <summary>P(X &gt; x) for X ~ chi-square with 1 degree of freedom: erfc(sqrt(x / 2)); 0 at +infinity, NaN for NaN.</summary>
    public static double ChiSquareOneDofSurvival(double x) => x <= 0 ? 1 : Erfc(Math.Sqrt(x / 2));

    /// <summary>
    /// P(X &gt; x) for X ~ chi-square with <paramref name="degreesOfFreedom"/> degrees of freedom: the regularized
    /// upper incomplete gamma function Q(k/2, x/2), by its series below k/2 + 1 and its continued fraction above.
    /// 1 for x &lt;= 0, 0 at +infinity, NaN for NaN (an unmeasured statistic stays unmeasured).
    /// </summary>
    public static double ChiSquareSurvival(double x, int degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreesOfFreedom, 1);
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        if (x <= 0)
        {
            return 1;
        }

        if (double.IsPositiveInfinity(x))
        {
            // The prefix below would be -inf + inf = NaN; the tail beyond infinity is empty.
            return 0;
        }

        var a = degreesOfFreedom / 2.0;
        var half = x / 2;
        var logPrefix = -half + (a * Math.Log(half)) - LogGamma(a);
        return half < a + 1 ? Math.Max(0, 1 - (LowerGammaSeries(a, half) * Math.Exp(logPrefix))) : UpperGammaFraction(a, half) * Math.Exp(logPrefix);
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos); +infinity at +infinity.</summary>
    public static double LogGamma(double x)
    {
        if (!(x > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, $"LogGamma: x is {Orchestrator.Ml.InputChecks.Describe(x)}; ln Γ is defined here for x > 0.");
        }

        if (double.IsPositiveInfinity(x))
        {
            return double.PositiveInfinity;
        }

        if (x < 0.5)
        {
            // Reflection keeps the approximation in its accurate range.
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        var sum = LanczosCoefficients[0];
        for (var i = 1; i < LanczosCoefficients.Length; i++)
        {
            sum += LanczosCoefficients[i] / (x + i);
        }

        var t = x + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }

    // Σ x^n / (a (a+1) ... (a+n)): the lower incomplete gamma without its prefix e^-x x^a / Γ(a).
    private static double LowerGammaSeries(double a, double x)
    {
        var term = 1 / a;
        var sum = term;
        for (var n = 1; n < 1000 && Math.Abs(term) > Math.Abs(sum) * 1e-16; n++)
        {
            term *= x / (a + n);
            sum += term;
        }

        return sum;
    }

    // The continued fraction of the upper incomplete gamma without its prefix (modified Lentz).
    private static double UpperGammaFraction(double a, double x)
    {
        const double tiny = 1e-300;
        var b = x + 1 - a;
        var c = 1 / tiny;
        var d = 1 / b;
        var h = d;
        for (var i = 1; i < 1000; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = (an * d) + b;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = b + (an / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            var step = d * c;
            h *= step;
            if (Math.Abs(step - 1) < 1e-15)
            {
                break;
            }
        }

        return h;
    }

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
