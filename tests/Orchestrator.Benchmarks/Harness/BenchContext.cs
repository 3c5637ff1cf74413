using System.Globalization;

namespace Orchestrator.Benchmarks;

/// <summary>What a benchmark gets: the servers ./bench.sh started, a scale factor and the report lines.</summary>
public sealed class BenchContext(string name, TextWriter output)
{
    /// <summary>Superuser connection string of the PostgreSQL server (ORCHESTRATOR_TEST_POSTGRES).</summary>
    public static string PostgresConnectionString => Required("ORCHESTRATOR_TEST_POSTGRES");

    /// <summary>Blob Storage connection string (ORCHESTRATOR_TEST_BLOB).</summary>
    public static string BlobConnectionString => Required("ORCHESTRATOR_TEST_BLOB");

    /// <summary>BENCH_SCALE (default 1): multiplies workload sizes, e.g. 0.1 for a quick smoke run.</summary>
    public static double Scale =>
        double.TryParse(Environment.GetEnvironmentVariable("BENCH_SCALE"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 1.0;

    /// <summary>A workload size scaled by <see cref="Scale"/>, never below 1.</summary>
    public static int Scaled(int size) => Math.Max(1, (int)Math.Round(size * Scale));

    /// <summary>Prints `bench NAME[/variant]: ratio=R value=V UNIT baseline=B UNIT`.</summary>
    public void Ratio(double value, double baseline, string unit, string? variant = null) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench {Label(variant)}: ratio={value / baseline:0.000} value={value:0.###} {unit} baseline={baseline:0.###} {unit}"));

    /// <summary>Prints `bench NAME[/variant]: value=V UNIT` where the issue names no baseline.</summary>
    public void Value(double value, string unit, string? variant = null) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench {Label(variant)}: value={value:0.###} {unit}"));

    /// <summary>Prints `bench NAME[/variant]: skipped: REASON` where the benchmark cannot run on this host (no GPU, no PyTorch).</summary>
    public void Skipped(string reason, string? variant = null) => output.WriteLine($"bench {Label(variant)}: skipped: {reason}");

    /// <summary>Progress and details for humans, on standard error so the report lines stay clean.</summary>
    public static void Note(string message) => Console.Error.WriteLine($"  {message}");

    private string Label(string? variant) => variant is null ? name : $"{name}/{variant}";

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set: run benchmarks with ./bench.sh, which starts the servers.");
}
