namespace Orchestrator.Ml.Data;

/// <summary>
/// The CIFAR-10 binary format (https://www.cs.toronto.edu/~kriz/cifar.html): each batch file holds records
/// of one label byte and 3072 pixel bytes (1024 red, then green, then blue; 32x32, rows top to bottom).
/// Records are re-encoded as PNG so every dataset stores images the same way. A label byte above 9 or a
/// truncated last record is reported as a corrupt item.
/// </summary>
public sealed class Cifar10Source(IFileTree tree, IReadOnlyList<string>? batchFiles = null) : IImageSource
{
    /// <summary>The label names in label-byte order (batches.meta.txt of the official archive).</summary>
    public static readonly IReadOnlyList<string> LabelNames =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>The official archive's batch files.</summary>
    public static readonly IReadOnlyList<string> StandardBatches =
        ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"];

    /// <summary>Slice attribute naming the batch file an image came from.</summary>
    public const string BatchSlice = "cifar_batch";

    private const int Side = 32;
    private const int Plane = Side * Side;
    private const int RecordSize = 1 + (3 * Plane);

    private readonly IReadOnlyList<string> _batches = batchFiles ?? StandardBatches;

    public string Description => $"cifar10:{string.Join('|', _batches)}";

    /// <summary>
    /// A source over the official batch files present in <paramref name="tree"/> (an extracted archive may
    /// hold only the training batches, or only the test batch), in the official order.
    /// </summary>
    /// <exception cref="InvalidDataException">The tree holds none of the official batch files.</exception>
    public static async Task<Cifar10Source> OpenAsync(IFileTree tree, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var present = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var path in tree.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            present.Add(path);
        }

        var batches = StandardBatches.Where(present.Contains).ToArray();
        return batches.Length > 0
            ? new Cifar10Source(tree, batches)
            : throw new InvalidDataException($"No CIFAR-10 batch file ({string.Join(", ", StandardBatches)}) at the location.");
    }

    public IReadOnlyList<string>? Classes => LabelNames;

    public async IAsyncEnumerable<SourceImage> ReadAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var batch in _batches)
        {
            var bytes = await tree.ReadAllBytesAsync(batch, cancellationToken).ConfigureAwait(false);
            var slices = new Dictionary<string, string>(StringComparer.Ordinal) { [BatchSlice] = Path.GetFileNameWithoutExtension(batch) };
            var records = (bytes.Length + RecordSize - 1) / RecordSize;
            for (var r = 0; r < records; r++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return Decode(bytes.AsSpan(r * RecordSize, Math.Min(RecordSize, bytes.Length - (r * RecordSize))), $"{batch}/{r:D5}", slices);
            }
        }
    }

    private static SourceImage Decode(ReadOnlySpan<byte> record, string itemId, IReadOnlyDictionary<string, string> slices)
    {
        if (record.Length < RecordSize)
        {
            return new SourceImage(itemId, "", slices, [], $"truncated record ({record.Length} of {RecordSize} bytes)");
        }

        if (record[0] >= LabelNames.Count)
        {
            return new SourceImage(itemId, "", slices, [], $"label byte {record[0]} is not a CIFAR-10 class (0-9)");
        }

        var pixels = new byte[3 * Plane];
        for (var p = 0; p < Plane; p++)
        {
            pixels[3 * p] = record[1 + p];
            pixels[(3 * p) + 1] = record[1 + Plane + p];
            pixels[(3 * p) + 2] = record[1 + (2 * Plane) + p];
        }

        return new SourceImage(itemId, LabelNames[record[0]], slices, ImageCodec.EncodePng(new RgbImage(Side, Side, pixels)));
    }
}
