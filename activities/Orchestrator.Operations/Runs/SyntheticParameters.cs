using System.Globalization;
using Orchestrator.Ml.Data;

namespace Orchestrator.Operations.Runs;

/// <summary>
/// The "synthetic" source's string parameters (as carried in <see cref="Workflows.Acquire.DatasetSource.Parameters"/>)
/// turned into generator options. Unknown keys are rejected: a typo must not silently fall back to a default.
/// </summary>
public static class SyntheticParameters
{
    /// <summary>The most images a synthetic dataset may have (a request cannot make a worker draw billions).</summary>
    public const int MaxCount = 1_000_000;

    /// <summary>The largest image side a synthetic dataset may ask for.</summary>
    public const int MaxImageSize = 512;

    private static readonly string[] Known =
        ["seed", "count", "image-size", "classes", "class-weights", "noise", "random-colours", "max-rotation", "night-fraction", "cluttered-fraction", "drift"];

    /// <summary>Parses and validates; throws <see cref="ArgumentException"/> or <see cref="FormatException"/> naming the bad parameter.</summary>
    public static SyntheticShapesOptions Parse(IReadOnlyDictionary<string, string> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Keys.FirstOrDefault(k => !Known.Contains(k, StringComparer.Ordinal)) is { } unknown)
        {
            throw new ArgumentException($"Unknown synthetic parameter '{unknown}': use {string.Join(", ", Known)}.");
        }

        var defaults = new SyntheticShapesOptions(0, 0);
        var options = new SyntheticShapesOptions(
            Seed: Required(parameters, "seed", long.Parse),
            Count: Required(parameters, "count", int.Parse),
            ImageSize: Optional(parameters, "image-size", int.Parse, defaults.ImageSize),
            Classes: parameters.TryGetValue("classes", out var classes) ? classes.Split(',', StringSplitOptions.TrimEntries) : null,
            ClassWeights: parameters.TryGetValue("class-weights", out var weights)
                ? [.. weights.Split(',', StringSplitOptions.TrimEntries).Select(w => Number(w, "class-weights"))]
                : null,
            Noise: Optional(parameters, "noise", double.Parse, defaults.Noise),
            RandomColours: Optional(parameters, "random-colours", (s, _) => bool.Parse(s), defaults.RandomColours),
            MaxRotationDegrees: Optional(parameters, "max-rotation", double.Parse, defaults.MaxRotationDegrees),
            NightFraction: Optional(parameters, "night-fraction", double.Parse, defaults.NightFraction),
            ClutteredFraction: Optional(parameters, "cluttered-fraction", double.Parse, defaults.ClutteredFraction),
            Drift: Optional(parameters, "drift", double.Parse, defaults.Drift));
        options.Validate();
        if (options.Count > MaxCount || options.ImageSize > MaxImageSize)
        {
            throw new ArgumentException($"A synthetic dataset has at most {MaxCount} images of at most {MaxImageSize} pixels a side.");
        }

        return options;
    }

    private static T Required<T>(IReadOnlyDictionary<string, string> parameters, string key, Func<string, IFormatProvider, T> parse) =>
        parameters.TryGetValue(key, out var value) ? Convert(value, key, parse) : throw new ArgumentException($"The synthetic parameter '{key}' is required.");

    private static T Optional<T>(IReadOnlyDictionary<string, string> parameters, string key, Func<string, IFormatProvider, T> parse, T fallback) =>
        parameters.TryGetValue(key, out var value) ? Convert(value, key, parse) : fallback;

    private static double Number(string value, string key) => Convert(value, key, double.Parse);

    private static T Convert<T>(string value, string key, Func<string, IFormatProvider, T> parse)
    {
        try
        {
            return parse(value, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new FormatException($"The synthetic parameter '{key}' has the invalid value '{value}'.", e);
        }
    }
}
