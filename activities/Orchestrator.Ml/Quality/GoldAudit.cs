using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Ml.Quality;

/// <summary>The outcome of checking a spot-audit sample against reviewer labels.</summary>
/// <param name="Sampled">Items in the sample.</param>
/// <param name="Reviewed">Sampled items the reviewer labelled.</param>
/// <param name="Agreed">Reviewed items whose dataset label equals the reviewer's.</param>
/// <param name="PassRate">Agreed / Reviewed (NaN when nothing was reviewed).</param>
/// <param name="Lower">Lower bound of the Wilson score interval for the pass rate.</param>
/// <param name="Upper">Upper bound of the Wilson score interval.</param>
/// <param name="Mismatched">Reviewed items the reviewer labelled differently.</param>
/// <param name="Unreviewed">Sampled items the reviewer has not labelled.</param>
public sealed record GoldAuditResult(int Sampled, int Reviewed, int Agreed, double PassRate, double Lower, double Upper,
    IReadOnlyList<string> Mismatched, IReadOnlyList<string> Unreviewed);

/// <summary>
/// The gold-set spot audit: a stratified random sample of labelled items that a reviewer checks; the
/// pass rate is reported with a Wilson score interval (Wilson 1927), which, unlike the normal
/// approximation, stays inside [0, 1] and behaves at pass rates near 100% and small samples.
/// </summary>
public static class GoldAudit
{
    /// <summary>z for a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>
    /// Picks <paramref name="sampleSize"/> items, allocated to classes in proportion to their size
    /// (largest remainder), at least one per class when the sample allows; within a class the items
    /// with the smallest seeded hash of their id, so the sample is reproducible and unpredictable to
    /// annotators who do not know the seed.
    /// </summary>
    public static IReadOnlyList<string> Sample(IReadOnlyList<(string ItemId, string Label)> items, int sampleSize, long seed)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfNegative(sampleSize);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var problem = items[i] switch
            {
                { ItemId: null } => $"item {i} has no id",
                { Label: null } => $"item '{items[i].ItemId}' has no label",
                _ when !ids.Add(items[i].ItemId) => $"item '{items[i].ItemId}' is listed twice",
                _ => null,
            };
            if (problem is not null)
            {
                throw new ArgumentException($"GoldAudit.Sample: {problem}.", nameof(items));
            }
        }

        sampleSize = Math.Min(sampleSize, items.Count);
        var classes = items.GroupBy(i => i.Label, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var quotas = classes.Select(g => g.Count() * (double)sampleSize / items.Count).ToArray();
        var allocation = quotas.Select(q => (int)Math.Floor(q)).ToArray();
        if (sampleSize >= classes.Count)
        {
            for (var k = 0; k < allocation.Length; k++)
            {
                allocation[k] = Math.Max(allocation[k], 1);
            }
        }

        // Largest remainders take the seats left; if the minimum of one per class overshot, the
        // largest allocations give seats back.
        var order = Enumerable.Range(0, classes.Count).OrderByDescending(k => quotas[k] - Math.Floor(quotas[k])).ThenBy(k => k).ToList();
        for (var i = 0; allocation.Sum() < sampleSize; i++)
        {
            allocation[order[i % order.Count]]++;
        }

        while (allocation.Sum() > sampleSize)
        {
            var largest = Enumerable.Range(0, allocation.Length).MaxBy(k => allocation[k]);
            allocation[largest]--;
        }

        return [.. classes.SelectMany((g, k) => g.OrderBy(i => Rank(seed, i.ItemId)).ThenBy(i => i.ItemId, StringComparer.Ordinal).Take(allocation[k]).Select(i => i.ItemId))];
    }

    /// <summary>
    /// Compares the sampled items' dataset labels with the reviewer's labels. Every sampled item must be listed
    /// once and have a dataset label; <paramref name="z"/> must be positive and finite.
    /// </summary>
    public static GoldAuditResult Evaluate(IReadOnlyList<string> sample, IReadOnlyDictionary<string, string> datasetLabels,
        IReadOnlyDictionary<string, string> reviewerLabels, double z = Z95)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(datasetLabels);
        ArgumentNullException.ThrowIfNull(reviewerLabels);
        RequireZ(z);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sample.Count; i++)
        {
            var problem = sample[i] switch
            {
                null => $"sampled item {i} is null",
                var id when !seen.Add(id) => $"item '{id}' is sampled twice",
                var id when !datasetLabels.ContainsKey(id) => $"sampled item '{id}' has no dataset label",
                _ => null,
            };
            if (problem is not null)
            {
                throw new ArgumentException($"GoldAudit.Evaluate: {problem}.", nameof(sample));
            }
        }

        var reviewed = sample.Where(reviewerLabels.ContainsKey).ToList();
        var mismatched = reviewed.Where(id => !string.Equals(reviewerLabels[id], datasetLabels[id], StringComparison.Ordinal)).ToList();
        var agreed = reviewed.Count - mismatched.Count;
        var (lower, upper) = reviewed.Count == 0 ? (double.NaN, double.NaN) : Wilson(agreed, reviewed.Count, z);
        return new GoldAuditResult(sample.Count, reviewed.Count, agreed, reviewed.Count == 0 ? double.NaN : agreed / (double)reviewed.Count,
            lower, upper, mismatched, [.. sample.Where(id => !reviewerLabels.ContainsKey(id))]);
    }

    /// <summary>The Wilson score interval for <paramref name="successes"/> out of <paramref name="trials"/>; <paramref name="z"/> positive and finite.</summary>
    public static (double Lower, double Upper) Wilson(int successes, int trials, double z = Z95)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trials);
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        RequireZ(z);
        var n = (double)trials;
        var p = successes / n;
        var z2 = z * z;
        var centre = p + (z2 / (2 * n));
        var half = z * Math.Sqrt((p * (1 - p) / n) + (z2 / (4 * n * n)));
        var denominator = 1 + (z2 / n);
        return (Math.Max(0, (centre - half) / denominator), Math.Min(1, (centre + half) / denominator));
    }

    // A negative z swaps the bounds (lower > upper); 0, NaN or infinity give no interval at all.
    private static void RequireZ(double z)
    {
        if (!(double.IsFinite(z) && z > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(z), z, $"GoldAudit: z is {InputChecks.Describe(z)}; the interval's z must be a positive, finite number (1.96 for 95%).");
        }
    }

    private static ulong Rank(long seed, string itemId) =>
        BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}\n{itemId}")));
}
