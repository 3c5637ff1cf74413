using Orchestrator.Ml.Training;

namespace Orchestrator.Ml.Data;

/// <summary>One image of a streamed split: its content digest, class index and slices; the pixels load on demand.</summary>
public sealed record StreamedItem(string ContentDigest, int Label, IReadOnlyDictionary<string, string>? Slices, float[]? Targets = null);

/// <summary>
/// A split whose decoded images do not all fit in memory: each image is decoded when asked for, through a bounded
/// <see cref="DecodedImageCache"/>, from <paramref name="load"/> (Blob Storage in the Train activity). The trainer's
/// background loader asks for a batch's images on its own threads, so loading overlaps training.
/// </summary>
public sealed class StreamedImages(IReadOnlyList<StreamedItem> items, DecodedImageCache cache, Func<string, RgbImage> load) : IReadOnlyList<LabeledImage>
{
    private readonly IReadOnlyList<StreamedItem> items = items ?? throw new ArgumentNullException(nameof(items));
    private readonly Func<string, RgbImage> load = load ?? throw new ArgumentNullException(nameof(load));

    /// <summary>The cache the images pass through.</summary>
    public DecodedImageCache Cache { get; } = cache ?? throw new ArgumentNullException(nameof(cache));

    /// <summary>The items, without loading any pixels.</summary>
    public IReadOnlyList<StreamedItem> Items => items;

    public int Count => items.Count;

    public LabeledImage this[int index]
    {
        get
        {
            var item = items[index];
            var image = Cache.GetOrAdd(item.ContentDigest, load);
            return new LabeledImage(image.Width, image.Height, image.Pixels, item.Label, item.Slices, item.Targets);
        }
    }

    public IEnumerator<LabeledImage> GetEnumerator()
    {
        for (var i = 0; i < items.Count; i++)
        {
            yield return this[i];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
