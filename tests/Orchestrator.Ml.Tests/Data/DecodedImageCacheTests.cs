using Orchestrator.Ml.Data;

namespace Orchestrator.Ml.Tests.Data;

public sealed class DecodedImageCacheTests
{
    private static RgbImage Image(int side, byte value) => new(side, side, Enumerable.Repeat(value, side * side * 3).ToArray());

    [Fact]
    public void Add_BeyondTheCapacity_EvictsTheLeastRecentlyUsedAndStaysWithin()
    {
        var cache = new DecodedImageCache(3 * 300); // three 10x10 images
        cache.Add("a", Image(10, 1));
        cache.Add("b", Image(10, 2));
        cache.Add("c", Image(10, 3));
        cache.GetOrAdd("a", _ => throw new InvalidOperationException("a is held")); // a is now the most recent

        cache.Add("d", Image(10, 4));

        cache.Contains("b").ShouldBeFalse();
        cache.Contains("a").ShouldBeTrue();
        (cache.Count, cache.Bytes, cache.Evictions, cache.Hits).ShouldBe((3, 900L, 1L, 1L));
    }

    [Fact]
    public void StreamedImages_MoreImagesThanFit_LoadsThroughTheCacheWithinItsCapacity()
    {
        var loads = new List<string>();
        var items = Enumerable.Range(0, 20).Select(i => new StreamedItem($"d{i}", i % 4, null)).ToArray();
        var images = new StreamedImages(items, new DecodedImageCache(5 * 48), digest =>
        {
            lock (loads)
            {
                loads.Add(digest);
            }

            return Image(4, byte.Parse(digest[1..], System.Globalization.CultureInfo.InvariantCulture));
        });

        var all = images.ToList();
        var again = images[19];

        all.Select(i => i.Pixels.Span[0]).ShouldBe(Enumerable.Range(0, 20).Select(i => (byte)i));
        all.Select(i => i.Label).ShouldBe(items.Select(i => i.Label));
        again.Pixels.Span[0].ShouldBe((byte)19);
        loads.Count.ShouldBe(20, "the last image was still held");
        images.Cache.Bytes.ShouldBeLessThanOrEqualTo(5 * 48);
        images[0].Pixels.Span[0].ShouldBe((byte)0);
        loads.Count.ShouldBe(21, "the first image had been evicted and was loaded again");
    }

    [Fact]
    public void Capacity_NotPositive_Refused() => Should.Throw<ArgumentOutOfRangeException>(() => new DecodedImageCache(0));
}
