using System.Runtime.InteropServices;

namespace Orchestrator.Ml.Quality;

/// <summary>
/// Near-duplicates: items whose perceptual hashes are within <c>maxDistance</c> bits, grouped
/// transitively. Groups whose items are all byte-identical are left to <see cref="ExactDuplicates"/>.
/// All pairs of 50,000 hashes would be over a billion comparisons; instead the 64 bits are cut into
/// maxDistance + 1 blocks, and by the pigeonhole principle two hashes within maxDistance agree exactly
/// on at least one block, so only hashes sharing a block value are compared (multi-index hashing,
/// Norouzi et al. 2012).
/// </summary>
public static class NearDuplicates
{
    public static IReadOnlyList<DuplicateGroup> Find(IReadOnlyList<HashedItem> items, int maxDistance)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDistance);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDistance, 15);
        var hashes = items.Select(i => i.PerceptualHash).Distinct().Order().ToArray();
        var index = hashes.Select((h, i) => (h, i)).ToDictionary(p => p.h, p => p.i);
        var parent = Enumerable.Range(0, hashes.Length).ToArray();

        var blocks = maxDistance + 1;
        for (var b = 0; b < blocks; b++)
        {
            var (shift, width) = (64 * b / blocks, (64 * (b + 1) / blocks) - (64 * b / blocks));
            var mask = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
            var buckets = new Dictionary<ulong, List<int>>();
            for (var h = 0; h < hashes.Length; h++)
            {
                var key = (hashes[h] >> shift) & mask;
                ref var bucket = ref CollectionsMarshal.GetValueRefOrAddDefault(buckets, key, out _);
                (bucket ??= []).Add(h);
            }

            foreach (var bucket in buckets.Values)
            {
                for (var i = 0; i < bucket.Count; i++)
                {
                    for (var j = i + 1; j < bucket.Count; j++)
                    {
                        if (PerceptualHash.Distance(hashes[bucket[i]], hashes[bucket[j]]) <= maxDistance)
                        {
                            Union(parent, bucket[i], bucket[j]);
                        }
                    }
                }
            }
        }

        return [.. items.GroupBy(i => Find(parent, index[i.PerceptualHash]))
            .Where(g => g.Count() > 1)
            .Select(g => new DuplicateGroup([.. g.Select(i => i.ItemId).Order(StringComparer.Ordinal)], g.Select(i => i.ContentDigest).Distinct(StringComparer.Ordinal).Count()))
            .Where(g => g.DistinctContents > 1)
            .OrderBy(g => g.ItemIds[0], StringComparer.Ordinal)];
    }

    private static int Find(int[] parent, int x)
    {
        while (parent[x] != x)
        {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }

        return x;
    }

    private static void Union(int[] parent, int a, int b)
    {
        var (ra, rb) = (Find(parent, a), Find(parent, b));
        if (ra != rb)
        {
            parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
        }
    }
}
