using System.Diagnostics;

namespace Orchestrator.Benchmarks;

/// <summary>Small timing helpers shared by the benchmarks.</summary>
public static class Measure
{
    /// <summary>Runs <paramref name="operation"/> <paramref name="count"/> times and returns operations per second.</summary>
    public static async Task<double> ThroughputAsync(int count, Func<int, Task> operation)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await operation(i).ConfigureAwait(false);
        }

        return count / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Runs <paramref name="writers"/> concurrent loops of <paramref name="perWriter"/> operations; returns operations per second.</summary>
    public static async Task<double> ConcurrentThroughputAsync(int writers, int perWriter, Func<int, int, Task> operation)
    {
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(async w =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                await operation(w, i).ConfigureAwait(false);
            }
        })).ConfigureAwait(false);
        return writers * perWriter / watch.Elapsed.TotalSeconds;
    }

    /// <summary>The median of a sample.</summary>
    public static double Median(IReadOnlyCollection<double> sample)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sample.Count);
        var sorted = sample.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
