namespace Orchestrator.Ml.Data;

/// <summary>
/// Decoded images by content digest, least recently used first out once their pixels exceed
/// <see cref="CapacityBytes"/>: what lets a training set larger than memory stream from Blob Storage
/// (<see cref="StreamedImages"/>) while the memory it takes stays bounded. Thread-safe; a miss loads outside
/// the lock, so loads of different images run in parallel.
/// </summary>
public sealed class DecodedImageCache(long capacityBytes)
{
    private readonly Dictionary<string, LinkedListNode<(string Digest, RgbImage Image)>> entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Digest, RgbImage Image)> recency = new();
    private readonly Lock gate = new();

    /// <summary>The most pixel bytes held.</summary>
    public long CapacityBytes { get; } = capacityBytes > 0 ? capacityBytes : throw new ArgumentOutOfRangeException(nameof(capacityBytes), "The cache needs a positive capacity.");

    /// <summary>Pixel bytes held now.</summary>
    public long Bytes { get; private set; }

    /// <summary>Images held now.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return entries.Count;
            }
        }
    }

    /// <summary>Lookups answered from the cache.</summary>
    public long Hits { get; private set; }

    /// <summary>Lookups that loaded.</summary>
    public long Misses { get; private set; }

    /// <summary>Images dropped to stay within the capacity.</summary>
    public long Evictions { get; private set; }

    /// <summary>The image named <paramref name="digest"/>, from the cache or <paramref name="load"/>.</summary>
    public RgbImage GetOrAdd(string digest, Func<string, RgbImage> load)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(load);
        lock (gate)
        {
            if (entries.TryGetValue(digest, out var hit))
            {
                recency.Remove(hit);
                recency.AddFirst(hit);
                Hits++;
                return hit.Value.Image;
            }

            Misses++;
        }

        var image = load(digest);
        Add(digest, image);
        return image;
    }

    /// <summary>Holds <paramref name="image"/> as the most recently used, evicting the least recently used beyond the capacity.</summary>
    public void Add(string digest, RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(image);
        lock (gate)
        {
            if (entries.ContainsKey(digest))
            {
                return;
            }

            entries[digest] = recency.AddFirst((digest, image));
            Bytes += image.Pixels.Length;
            while (Bytes > CapacityBytes && recency.Last is { } oldest)
            {
                recency.RemoveLast();
                entries.Remove(oldest.Value.Digest);
                Bytes -= oldest.Value.Image.Pixels.Length;
                Evictions++;
            }
        }
    }

    /// <summary>Whether <paramref name="digest"/> is held (without counting as a use).</summary>
    public bool Contains(string digest)
    {
        lock (gate)
        {
            return entries.ContainsKey(digest);
        }
    }
}
