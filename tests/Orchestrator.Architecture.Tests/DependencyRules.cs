namespace Orchestrator.Architecture.Tests;

/// <summary>The check every rule uses: which names are forbidden, exactly or (an entry ending in '*') by prefix.</summary>
internal static class DependencyRules
{
    /// <summary>libtorch and ONNX Runtime, managed and native.</summary>
    public static readonly string[] MlRuntimes = ["TorchSharp", "TorchSharp.*", "libtorch-*", "Microsoft.ML.OnnxRuntime", "Microsoft.ML.OnnxRuntime.*"];

    /// <summary>Marten and what it brings (its schema code and the PostgreSQL driver).</summary>
    public static readonly string[] Marten = ["Marten", "Marten.*", "Weasel.*", "JasperFx", "JasperFx.*", "Npgsql", "Npgsql.*"];

    public static IReadOnlyList<string> Forbidden(IEnumerable<string> names, params string[] forbidden) =>
        [.. names.Where(n => forbidden.Any(f => f.EndsWith('*') ? n.StartsWith(f[..^1], StringComparison.OrdinalIgnoreCase) : n.Equals(f, StringComparison.OrdinalIgnoreCase)))
            .Distinct().Order(StringComparer.Ordinal)];
}
