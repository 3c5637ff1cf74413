namespace Orchestrator.Benchmarks;

/// <summary>
/// One named benchmark. It measures its figure and its baseline in the same run (these machines are
/// noisy, so only the ratio is comparable across runs) and reports through <see cref="BenchContext"/>.
/// </summary>
public interface IBenchmark
{
    /// <summary>The name ./bench.sh selects it by, e.g. "audit-append".</summary>
    string Name { get; }

    /// <summary>One line: what is measured against what.</summary>
    string Description { get; }

    Task RunAsync(BenchContext context, CancellationToken cancellationToken);
}
