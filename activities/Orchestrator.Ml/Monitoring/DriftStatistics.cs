namespace Orchestrator.Ml.Monitoring;

/// <summary>
/// The two drift statistics the monitor and the canary check use: the population stability index over
/// binned distributions, and the two-sample Kolmogorov-Smirnov statistic over raw values. Pure functions.
/// Every one refuses NaN, infinities and negative counts with an <see cref="ArgumentException"/> that names the
/// statistic, the argument, the value and its position: a NaN has no place in an order or a bin, and skipping it
/// silently would measure something else. Callers holding a model's outputs leave the non-finite ones out and
/// report them first (<see cref="HealthComparison"/>).
/// </summary>
public static class DriftStatistics
{
    /// <summary>Added to every bin's share so an empty bin does not make PSI infinite (the usual practice).</summary>
    public const double Epsilon = 1e-4;

    /// <summary>
    /// PSI = Σ (a - e) · ln(a / e) over bin shares; 0 for identical distributions. Rules of thumb:
    /// below 0.1 no shift, 0.1-0.25 moderate, above 0.25 significant. NaN when either side is empty.
    /// Counts must be finite and non-negative.
    /// </summary>
    public static double PopulationStabilityIndex(IReadOnlyList<double> expectedCounts, IReadOnlyList<double> actualCounts)
    {
        var (expectedTotal, actualTotal) = Totals(expectedCounts, actualCounts, nameof(PopulationStabilityIndex), "expected", "actual");
        if (expectedTotal <= 0 || actualTotal <= 0)
        {
            return double.NaN;
        }

        var psi = 0.0;
        for (var i = 0; i < expectedCounts.Count; i++)
        {
            var e = (expectedCounts[i] / expectedTotal) + Epsilon;
            var a = (actualCounts[i] / actualTotal) + Epsilon;
            psi += (a - e) * Math.Log(a / e);
        }

        return psi;
    }

    /// <summary>
    /// The p-value of Pearson's chi-square test that two sets of counts over the same bins come from one
    /// distribution: the chance that sampling noise alone gives a difference at least this large. PSI
    /// measures how large a shift is; this says whether the counts are enough to tell it from noise (with
    /// k bins and n, m samples, PSI under no shift is about (k - 1)(1/n + 1/m) on average). Bins empty on
    /// both sides are left out; 1 with fewer than two bins left; NaN when either side is empty. With small
    /// expected counts (below about 5 per cell) the p-value tends to come out too small, so a gate that
    /// requires both a large PSI and a small p-value then leans towards reporting a shift.
    /// Counts must be finite and non-negative.
    /// </summary>
    public static double HomogeneityPValue(IReadOnlyList<double> firstCounts, IReadOnlyList<double> secondCounts)
    {
        var (n, m) = Totals(firstCounts, secondCounts, nameof(HomogeneityPValue), "first", "second");
        if (n <= 0 || m <= 0)
        {
            return double.NaN;
        }

        var statistic = 0.0;
        var bins = 0;
        for (var i = 0; i < firstCounts.Count; i++)
        {
            var total = firstCounts[i] + secondCounts[i];
            if (total <= 0)
            {
                continue;
            }

            bins++;
            var expectedFirst = n * total / (n + m);
            var expectedSecond = m * total / (n + m);
            statistic += (Square(firstCounts[i] - expectedFirst) / expectedFirst) + (Square(secondCounts[i] - expectedSecond) / expectedSecond);
        }

        return bins < 2 ? 1 : Evaluation.Statistics.ChiSquareSurvival(statistic, bins - 1);
    }

    /// <summary>PSI of two sets of counts over the same bins and the chi-square p-value of the same counts (NaNs when either side is empty).</summary>
    public static (double Psi, double PValue) Shift(IReadOnlyList<double> expectedCounts, IReadOnlyList<double> actualCounts) =>
        (PopulationStabilityIndex(expectedCounts, actualCounts), HomogeneityPValue(expectedCounts, actualCounts));

    /// <summary>PSI of two samples binned on <paramref name="edges"/> (interior bin edges, ascending).</summary>
    public static double PopulationStabilityIndex(IReadOnlyList<double> expected, IReadOnlyList<double> actual, IReadOnlyList<double> edges)
    {
        RequireFinite(expected, nameof(PopulationStabilityIndex), "the expected sample", nameof(expected));
        RequireFinite(actual, nameof(PopulationStabilityIndex), "the actual sample", nameof(actual));
        return PopulationStabilityIndex(Histogram(expected, edges), Histogram(actual, edges));
    }

    /// <summary>Interior edges of <paramref name="bins"/> equal-frequency bins of the reference sample (deciles for 10).</summary>
    public static double[] QuantileEdges(IReadOnlyList<double> reference, int bins = 10)
    {
        RequireFinite(reference, nameof(QuantileEdges), "the reference sample", nameof(reference));
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 2);
        if (reference.Count == 0)
        {
            return [];
        }

        var sorted = reference.Order().ToArray();
        return [.. Enumerable.Range(1, bins - 1).Select(i => sorted[Math.Min(sorted.Length - 1, i * sorted.Length / bins)]).Distinct()];
    }

    /// <summary>Counts per bin: bin i holds values in [edges[i-1], edges[i]); values and edges finite, edges strictly ascending.</summary>
    public static double[] Histogram(IReadOnlyList<double> values, IReadOnlyList<double> edges)
    {
        RequireFinite(values, nameof(Histogram), "the sample", nameof(values));
        RequireEdges(edges, nameof(Histogram));
        var counts = new double[edges.Count + 1];
        foreach (var value in values)
        {
            var bin = 0;
            while (bin < edges.Count && value >= edges[bin])
            {
                bin++;
            }

            counts[bin]++;
        }

        return counts;
    }

    /// <summary>The two-sample KS statistic D = sup |F1(x) - F2(x)|; NaN when either sample is empty. Both samples must be finite.</summary>
    public static double KolmogorovSmirnov(IReadOnlyList<double> first, IReadOnlyList<double> second)
    {
        // A NaN would stop the merge below: Math.Min gives NaN and no index moves past it.
        RequireFinite(first, nameof(KolmogorovSmirnov), "the first sample", nameof(first));
        RequireFinite(second, nameof(KolmogorovSmirnov), "the second sample", nameof(second));
        if (first.Count == 0 || second.Count == 0)
        {
            return double.NaN;
        }

        var a = first.Order().ToArray();
        var b = second.Order().ToArray();
        int i = 0, j = 0;
        var d = 0.0;
        while (i < a.Length && j < b.Length)
        {
            var x = Math.Min(a[i], b[j]);
            while (i < a.Length && a[i] <= x)
            {
                i++;
            }

            while (j < b.Length && b[j] <= x)
            {
                j++;
            }

            d = Math.Max(d, Math.Abs(((double)i / a.Length) - ((double)j / b.Length)));
        }

        return d;
    }

    /// <summary>
    /// The KS critical value at significance <paramref name="alpha"/> for samples of sizes n and m:
    /// c(α)·sqrt((n+m)/(n·m)), c(α) = sqrt(-ln(α/2)/2). D above it rejects "same distribution". 0 &lt; α &lt; 1.
    /// </summary>
    public static double KolmogorovSmirnovCritical(int n, int m, double alpha = 0.01)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 1);
        if (!(alpha is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, $"{nameof(KolmogorovSmirnovCritical)}: the significance level is {InputChecks.Describe(alpha)}; it must lie strictly between 0 and 1.");
        }

        return Math.Sqrt(-Math.Log(alpha / 2) / 2) * Math.Sqrt((double)(n + m) / ((double)n * m));
    }

    private static double Square(double x) => x * x;

    private static void RequireFinite(IReadOnlyList<double> values, string statistic, string what, string paramName) =>
        InputChecks.RequireFinite(values, statistic, what, "drift statistics need finite values.", paramName);

    /// <summary>Throws unless the interior edges are finite and strictly ascending (what <see cref="QuantileEdges"/> gives).</summary>
    internal static void RequireEdges(IReadOnlyList<double> edges, string statistic)
    {
        InputChecks.RequireFinite(edges, statistic, "the edge list", "bin edges must be finite.", nameof(edges));
        for (var i = 1; i < edges.Count; i++)
        {
            if (!(edges[i] > edges[i - 1]))
            {
                throw new ArgumentException(
                    $"{statistic}: edge {i} ({InputChecks.Describe(edges[i])}) is not above edge {i - 1} ({InputChecks.Describe(edges[i - 1])}); edges must be strictly ascending.", nameof(edges));
            }
        }
    }

    // Both sides' totals, after checking they are counts over the same bins.
    private static (double First, double Second) Totals(IReadOnlyList<double> first, IReadOnlyList<double> second, string statistic, string firstName, string secondName)
    {
        InputChecks.RequireCounts(first, statistic, $"the {firstName} counts", $"{firstName}Counts");
        InputChecks.RequireCounts(second, statistic, $"the {secondName} counts", $"{secondName}Counts");
        return first.Count == second.Count
            ? (first.Sum(), second.Sum())
            : throw new ArgumentException($"{statistic}: {first.Count} {firstName} counts but {second.Count} {secondName} counts; both distributions need the same bins.", $"{secondName}Counts");
    }
}
