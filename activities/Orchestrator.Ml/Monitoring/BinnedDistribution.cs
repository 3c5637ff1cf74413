namespace Orchestrator.Ml.Monitoring;

/// <summary>
/// A reference distribution as the monitor needs it: interior quantile edges of the reference sample and
/// the reference's count per bin (bin i holds values in [Edges[i-1], Edges[i])). Production values are
/// binned on the same edges, so PSI compares like with like without keeping the reference sample.
/// </summary>
/// <param name="Edges">Interior bin edges, ascending and distinct.</param>
/// <param name="Counts">Reference counts per bin (Edges.Count + 1 of them).</param>
public sealed record BinnedDistribution(IReadOnlyList<double> Edges, IReadOnlyList<double> Counts)
{
    /// <summary>
    /// Equal-frequency bins of <paramref name="reference"/>: at most <paramref name="maxBins"/>, and at least
    /// <paramref name="perBin"/> reference values per bin on average (never fewer than 2 bins), because a
    /// thinly populated bin makes PSI noisy enough to raise false alarms on small held-out splits.
    /// Every reference value must be finite.
    /// </summary>
    public static BinnedDistribution Of(IReadOnlyList<double> reference, int maxBins = 10, int perBin = 25)
    {
        // A NaN sorts first: it became an edge or fell into the first bin and showed as a large PSI.
        InputChecks.RequireFinite(reference, "BinnedDistribution.Of", "the reference sample", "drift statistics need finite values.", nameof(reference));
        var bins = Math.Clamp(reference.Count / Math.Max(1, perBin), 2, Math.Max(2, maxBins));
        var edges = DriftStatistics.QuantileEdges(reference, bins);
        return new BinnedDistribution(edges, DriftStatistics.Histogram(reference, edges));
    }

    /// <summary>PSI of <paramref name="actual"/> binned on these edges against the reference counts; NaN when either side is empty.</summary>
    public double PopulationStabilityIndex(IReadOnlyList<double> actual) =>
        DriftStatistics.PopulationStabilityIndex(Counts, DriftStatistics.Histogram(actual, Edges));

    /// <summary><paramref name="actual"/> binned once on these edges: its PSI and chi-square p-value against the reference counts (<see cref="DriftStatistics.Shift"/>).</summary>
    public (double Psi, double PValue) Shift(IReadOnlyList<double> actual) =>
        DriftStatistics.Shift(Counts, DriftStatistics.Histogram(actual, Edges));

    /// <summary>Throws unless the edges are finite and strictly ascending and the counts are Edges.Count + 1 finite, non-negative numbers.</summary>
    internal void Validate(string what)
    {
        if (Edges is null || Counts is null)
        {
            throw new ArgumentException($"{what}: the edges or counts are missing.");
        }

        DriftStatistics.RequireEdges(Edges, what);
        InputChecks.RequireCounts(Counts, what, "the counts", nameof(Counts));
        if (Counts.Count != Edges.Count + 1)
        {
            throw new ArgumentException($"{what}: {Counts.Count} counts for {Edges.Count} interior edges; there must be one count more than edges.");
        }
    }
}
