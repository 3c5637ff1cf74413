namespace Orchestrator.Ml.Training;

/// <summary>
/// Class imbalance handled by the data instead of the loss: every class's images repeated (cycling in their order)
/// until it has as many as the largest class. The view is fixed for the run; each epoch shuffles it as any split.
/// </summary>
public static class Oversampling
{
    /// <summary>The balanced view of <paramref name="images"/>; classes without images stay absent.</summary>
    public static IReadOnlyList<LabeledImage> Balance(IReadOnlyList<LabeledImage> images, int classCount)
    {
        ArgumentNullException.ThrowIfNull(images);
        var byClass = Enumerable.Range(0, classCount).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < images.Count; i++)
        {
            byClass[images[i].Label].Add(i);
        }

        var target = byClass.Max(c => c.Count);
        var indices = byClass.Where(c => c.Count > 0).SelectMany(c => Enumerable.Range(0, target).Select(k => c[k % c.Count])).ToArray();
        return new IndexedImages(images, indices);
    }

    private sealed class IndexedImages(IReadOnlyList<LabeledImage> images, int[] indices) : IReadOnlyList<LabeledImage>
    {
        public LabeledImage this[int index] => images[indices[index]];

        public int Count => indices.Length;

        public IEnumerator<LabeledImage> GetEnumerator() => indices.Select(i => images[i]).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
