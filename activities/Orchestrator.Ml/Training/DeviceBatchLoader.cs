using System.Threading.Channels;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Training;

/// <summary>
/// One batch as it goes to the device: <see cref="Pixels"/> is Count x H x W x 3 bytes in a host buffer of the
/// <see cref="HostBufferPool"/>, <see cref="Draws"/> the images' augmentation choices (null for none), applied on the
/// device by <see cref="DeviceInput"/>.
/// </summary>
public sealed record DeviceBatch(int Index, int Count, Tensor Pixels, long[] Labels, AugmentationDraw[]? Draws, float[]? Targets = null);

/// <summary>
/// Fills the batches of one epoch into pinned, reused host buffers on a background thread while the model trains
/// on the previous ones, a few batches ahead. The CPU only copies (or, for images not of the input size, resizes)
/// bytes and draws the augmentation choices; everything per pixel runs on the device. Order and augmentation depend
/// only on (seed, epoch, batch index), drawn exactly as <see cref="ImagePreprocessor"/> draws them, so the sequence is
/// the same whatever the thread timing and whether or not the run was resumed. A batch's buffer goes back to the pool
/// when the next batch is asked for: by then its step has read its loss, which waits for the copy to the device.
/// </summary>
public sealed class DeviceBatchLoader : IDisposable
{
    // Above this many bytes per batch the copy (or resize) is spread over cores.
    private const int ParallelBytes = 4 << 20;

    private readonly Channel<(DeviceBatch Batch, Tensor Buffer)> channel =
        Channel.CreateBounded<(DeviceBatch, Tensor)>(new BoundedChannelOptions(3) { SingleReader = true, SingleWriter = true });
    private readonly HostBufferPool pool;
    private readonly CancellationTokenSource stop;
    private readonly Task producer;
    private readonly HashSet<Tensor> rented = [];
    private readonly Lock gate = new();

    /// <param name="images">The split.</param>
    /// <param name="preprocessor">Resize for images not of the input size.</param>
    /// <param name="augmentation">Random transforms (<see cref="AugmentationOptions.None"/> for evaluation).</param>
    /// <param name="pool">The run's host buffers; their batch size is the batch size (the last batch may be smaller).</param>
    /// <param name="shuffle">Whether to permute the order (seeded by seed and epoch).</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="epoch">Zero-based epoch, part of every derived seed.</param>
    /// <param name="cancellationToken">Stops the producer.</param>
    public DeviceBatchLoader(IReadOnlyList<LabeledImage> images, ImagePreprocessor preprocessor, AugmentationOptions augmentation,
        HostBufferPool pool, bool shuffle, long seed, int epoch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(preprocessor);
        ArgumentNullException.ThrowIfNull(augmentation);
        this.pool = pool ?? throw new ArgumentNullException(nameof(pool));
        if (pool.InputSize != preprocessor.Preprocessing.InputSize)
        {
            throw new ArgumentException($"The pool's buffers are {pool.InputSize} px; the model's input is {preprocessor.Preprocessing.InputSize} px.", nameof(pool));
        }

        BatchCount = (images.Count + pool.BatchSize - 1) / pool.BatchSize;
        stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var order = Enumerable.Range(0, images.Count).ToArray();
        if (shuffle)
        {
            new Random(SeedMix.Of(seed, epoch, -1)).Shuffle(order);
        }

        producer = Task.Factory.StartNew(
            () => Produce(images, order, preprocessor, augmentation, seed, epoch, stop.Token),
            stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public int BatchCount { get; }

    /// <summary>The batches in order; blocks while the next one is being prepared.</summary>
    public IEnumerable<DeviceBatch> ReadAll()
    {
        var reader = channel.Reader;
        (DeviceBatch Batch, Tensor Buffer)? current = null;
        try
        {
            while (true)
            {
                // Blocking here is intended: training is synchronous TorchSharp work on this thread.
                if (!reader.WaitToReadAsync(stop.Token).AsTask().GetAwaiter().GetResult())
                {
                    break;
                }

                while (reader.TryRead(out var next))
                {
                    if (current is { } done)
                    {
                        Release(done);
                    }

                    current = next;
                    yield return next.Batch;
                }
            }
        }
        finally
        {
            if (current is { } last)
            {
                Release(last);
            }
        }

        // Surfaces a failure of the producer (e.g. a malformed image) instead of a short epoch.
        producer.GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        stop.Cancel();
        try
        {
            producer.Wait();
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is OperationCanceledException))
        {
            // The producer was stopped on purpose.
        }

        while (channel.Reader.TryRead(out var left))
        {
            Release(left);
        }

        lock (gate)
        {
            foreach (var buffer in rented)
            {
                pool.Return(buffer);
            }

            rented.Clear();
        }

        stop.Dispose();
    }

    private void Release((DeviceBatch Batch, Tensor Buffer) item)
    {
        if (!ReferenceEquals(item.Batch.Pixels, item.Buffer))
        {
            item.Batch.Pixels.Dispose();
        }

        lock (gate)
        {
            if (rented.Remove(item.Buffer))
            {
                pool.Return(item.Buffer);
            }
        }
    }

    private void Produce(IReadOnlyList<LabeledImage> images, int[] order, ImagePreprocessor preprocessor, AugmentationOptions augmentation,
        long seed, int epoch, CancellationToken token)
    {
        var writer = channel.Writer;
        try
        {
            var perImage = preprocessor.ValuesPerImage;
            for (var b = 0; b < BatchCount; b++)
            {
                token.ThrowIfCancellationRequested();
                var start = b * pool.BatchSize;
                var count = Math.Min(pool.BatchSize, images.Count - start);
                var labels = new long[count];
                // Multi-label images carry multi-hot targets (items x labels) instead of a class.
                var labelCount = images[order[start]].Targets?.Length ?? 0;
                var targets = labelCount > 0 ? new float[count * labelCount] : null;
                var draws = augmentation.IsIdentity ? null : new AugmentationDraw[count];
                var random = augmentation.IsIdentity ? null : new Random(SeedMix.Of(seed, epoch, b));
                for (var i = 0; i < count; i++)
                {
                    // Drawn in image order before any pixel is touched: the same sequence as ImagePreprocessor.Write.
                    if (draws is not null)
                    {
                        draws[i] = AugmentationDraw.Next(augmentation, random!);
                    }
                }

                var buffer = pool.Rent(token);
                lock (gate)
                {
                    rented.Add(buffer);
                }

                void Fill(int i)
                {
                    var image = images[order[start + i]];
                    preprocessor.WriteBytes(image, buffer.bytes.Slice(i * perImage, perImage));
                    labels[i] = image.Label;
                    if (targets is not null)
                    {
                        (image.Targets is { } t && t.Length == labelCount ? t : throw new ArgumentException($"Image {order[start + i]} has {image.Targets?.Length ?? 0} targets; the batch has {labelCount} labels."))
                            .CopyTo(targets, i * labelCount);
                    }
                }

                // Streamed images may each wait for Blob Storage: fetch them side by side.
                if ((long)count * perImage > ParallelBytes || images is Data.StreamedImages)
                {
                    Parallel.For(0, count, new ParallelOptions { CancellationToken = token, MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount / 2) }, Fill);
                }
                else
                {
                    for (var i = 0; i < count; i++)
                    {
                        Fill(i);
                    }
                }

                var pixels = count == pool.BatchSize ? buffer : buffer.narrow(0, 0, count).DetachFromDisposeScope();
                writer.WriteAsync((new DeviceBatch(b, count, pixels, labels, draws, targets), buffer), token).AsTask().GetAwaiter().GetResult();
            }

            writer.Complete();
        }
        catch (Exception e)
        {
            writer.TryComplete(e);
            throw;
        }
    }
}
