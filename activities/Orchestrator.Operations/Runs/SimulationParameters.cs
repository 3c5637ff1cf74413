using System.Globalization;
using Orchestrator.Ml.Annotation;

namespace Orchestrator.Operations.Runs;

/// <summary>
/// The "simulated" annotation source's parameters: "annotators" (count, default 3), "accuracy" (one value,
/// or one per annotator separated by commas; default 0.9), "annotators-per-item" (default all), "seed" (default 0).
/// </summary>
public sealed record SimulationParameters(IReadOnlyList<AnnotatorProfile> Annotators, int AnnotatorsPerItem, long Seed)
{
    /// <summary>The most simulated annotators (each labels every item it is given: a bound on the work one request causes).</summary>
    public const int MaxAnnotators = 100;

    private static readonly string[] Known = ["annotators", "accuracy", "annotators-per-item", "seed"];

    public static SimulationParameters Parse(IReadOnlyDictionary<string, string> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Keys.FirstOrDefault(k => !Known.Contains(k, StringComparer.Ordinal)) is { } unknown)
        {
            throw new ArgumentException($"Unknown simulation parameter '{unknown}': use {string.Join(", ", Known)}.");
        }

        var count = parameters.TryGetValue("annotators", out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : 3;
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1, "annotators");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxAnnotators, "annotators");
        var accuracies = (parameters.TryGetValue("accuracy", out var accuracy) ? accuracy : "0.9")
            .Split(',', StringSplitOptions.TrimEntries).Select(a => double.Parse(a, CultureInfo.InvariantCulture)).ToList();
        if (accuracies.Count != 1 && accuracies.Count != count)
        {
            throw new ArgumentException($"accuracy needs one value or one per annotator ({count}), not {accuracies.Count}.");
        }

        var profiles = Enumerable.Range(0, count)
            .Select(i => new AnnotatorProfile($"sim-{i + 1}", accuracies[accuracies.Count == 1 ? 0 : i])).ToList();
        if (accuracies.Any(a => a is not (>= 0 and <= 1)))
        {
            throw new ArgumentException("accuracy values must be within 0..1.");
        }

        var perItem = parameters.TryGetValue("annotators-per-item", out var per) ? int.Parse(per, CultureInfo.InvariantCulture) : count;
        if (perItem < 1 || perItem > count)
        {
            throw new ArgumentException($"annotators-per-item must be within 1..{count} (the annotators).");
        }

        var seed = parameters.TryGetValue("seed", out var s) ? long.Parse(s, CultureInfo.InvariantCulture) : 0;
        return new SimulationParameters(profiles, perItem, seed);
    }
}
