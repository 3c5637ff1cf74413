using System.Globalization;

namespace Orchestrator.Ml.Data;

/// <summary>The synthetic generator as a dataset source: each image PNG-encoded, as it is stored.</summary>
public sealed class SyntheticShapesSource(SyntheticShapesOptions options) : IImageSource
{
    private readonly SyntheticShapes _shapes = new(options);

    public string Description { get; } = string.Create(CultureInfo.InvariantCulture,
        $"synthetic-shapes:seed={options.Seed},count={options.Count},size={options.ImageSize},classes={string.Join('|', options.EffectiveClasses)},"
        + $"weights={(options.ClassWeights is null ? "balanced" : string.Join('|', options.ClassWeights))},noise={options.Noise},colours={options.RandomColours},"
        + $"rotation={options.MaxRotationDegrees},night={options.NightFraction},cluttered={options.ClutteredFraction},drift={options.Drift}");

    public IReadOnlyList<string>? Classes => options.EffectiveClasses;

    public async IAsyncEnumerable<SourceImage> ReadAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var image in _shapes.Generate())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new SourceImage(image.ItemId, image.Label, image.Slices, ImageCodec.EncodePng(image.Image));
        }
    }
}
