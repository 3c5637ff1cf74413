namespace Orchestrator.Ml.Training;

/// <summary>
/// Derives independent, reproducible seeds from (run seed, epoch, batch). Every random choice of an epoch
/// depends only on these numbers, never on thread timing or on how many epochs ran before in this
/// process, which is what lets a resumed run continue bit for bit like an uninterrupted one.
/// </summary>
public static class SeedMix
{
    /// <summary>SplitMix64 over the parts; stable across processes (unlike HashCode.Combine).</summary>
    public static int Of(long seed, params long[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var z = unchecked((ulong)seed);
        foreach (var part in parts)
        {
            z = Mix(z ^ Mix(unchecked((ulong)part + 0x9E3779B97F4A7C15UL)));
        }

        return (int)(z & 0x7FFFFFFF);
    }

    private static ulong Mix(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
