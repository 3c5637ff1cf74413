namespace Orchestrator.Ml.Data;

/// <summary>
/// SplitMix64: a tiny generator whose sequence is fixed by its published algorithm, unlike
/// System.Random whose algorithm may change between runtimes. Synthetic datasets and simulated
/// annotations are named by content digests, so the same seed must give the same bytes forever.
/// </summary>
public struct DeterministicRandom
{
    private ulong _state;

    public DeterministicRandom(ulong seed) => _state = seed;

    /// <summary>A generator for stream <paramref name="index"/> of <paramref name="seed"/>: item i of a dataset
    /// gets its own stream, so items can be produced in any order or in parallel with identical results.</summary>
    public static DeterministicRandom ForItem(long seed, long index) =>
        new(Mix(Mix(unchecked((ulong)seed)) ^ unchecked((ulong)index * 0xD1B54A32D192ED03UL)));

    /// <summary>The SplitMix64 finaliser, also a good 64-bit hash of an integer.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1) with 53 bits of precision.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [min, max).</summary>
    public double NextDouble(double min, double max) => min + ((max - min) * NextDouble());

    /// <summary>Uniform integer in [0, bound).</summary>
    public int NextInt(int bound) => (int)(NextDouble() * bound);

    /// <summary>
    /// Approximately standard normal (Irwin-Hall sum of four uniforms, rescaled): only additions and
    /// multiplications, so the values are bit-identical on every platform, and one draw per sample.
    /// </summary>
    public double NextGaussian()
    {
        var r = NextUInt64();
        var sum = (r & 0xFFFF) + ((r >> 16) & 0xFFFF) + ((r >> 32) & 0xFFFF) + (r >> 48);
        return ((sum / 65536.0) - 2.0) * 1.7320508075688772;
    }
}
