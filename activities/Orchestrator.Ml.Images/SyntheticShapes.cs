namespace Orchestrator.Ml.Data;

/// <summary>One generated image with its true label and slice attributes.</summary>
public sealed record SyntheticImage(string ItemId, string Label, IReadOnlyDictionary<string, string> Slices, RgbImage Image);

/// <summary>
/// Deterministic labelled images of shapes, so every stage (training, evaluation, drift) runs on real
/// pixels without a download. Item i depends only on (options, i): generation can be parallel or resumed.
/// </summary>
public sealed class SyntheticShapes
{
    /// <summary>Slice attribute: "day" or "night".</summary>
    public const string Lighting = "lighting";

    /// <summary>Slice attribute: "plain" or "cluttered".</summary>
    public const string Background = "background";

    /// <summary>The classes drawn when none are chosen.</summary>
    public static readonly IReadOnlyList<string> DefaultClasses = ["circle", "square", "triangle", "cross"];

    /// <summary>Every shape the generator can draw.</summary>
    public static readonly IReadOnlySet<string> KnownShapes = new HashSet<string>(StringComparer.Ordinal)
    {
        "circle", "square", "triangle", "cross", "ring",
    };

    private readonly SyntheticShapesOptions _options;
    private readonly IReadOnlyList<string> _classes;
    private readonly double[] _cumulativeWeights;

    public SyntheticShapes(SyntheticShapesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _classes = options.EffectiveClasses;
        var weights = options.ClassWeights ?? Enumerable.Repeat(1.0, _classes.Count).ToArray();
        var total = weights.Sum();
        _cumulativeWeights = new double[weights.Count];
        var running = 0.0;
        for (var i = 0; i < weights.Count; i++)
        {
            running += weights[i] / total;
            _cumulativeWeights[i] = running;
        }
    }

    /// <summary>All images in index order.</summary>
    public IEnumerable<SyntheticImage> Generate()
    {
        for (var i = 0; i < _options.Count; i++)
        {
            yield return Generate(i);
        }
    }

    /// <summary>Image <paramref name="index"/> (0-based); identical for identical options on any machine.</summary>
    public SyntheticImage Generate(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var random = DeterministicRandom.ForItem(_options.Seed, index);
        var label = PickClass(random.NextDouble());
        var night = random.NextDouble() < _options.NightFraction;
        var cluttered = random.NextDouble() < _options.ClutteredFraction;
        var image = ShapePainter.Paint(_options, label, night, cluttered, ref random);
        var slices = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Lighting] = night ? "night" : "day",
            [Background] = cluttered ? "cluttered" : "plain",
        };
        return new SyntheticImage($"s{_options.Seed}-{index:D7}", label, slices, image);
    }

    private string PickClass(double u)
    {
        for (var i = 0; i < _cumulativeWeights.Length - 1; i++)
        {
            if (u < _cumulativeWeights[i])
            {
                return _classes[i];
            }
        }

        return _classes[^1];
    }
}
