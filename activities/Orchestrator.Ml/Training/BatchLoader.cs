using System.Threading.Channels;

namespace Orchestrator.Ml.Training;

/// <summary>One preprocessed mini-batch: CHW floats for <see cref="Count"/> images and their labels.</summary>
public sealed record Batch(int Index, int Count, float[] Inputs, long[] Labels);

/// <summary>
/// Prepares the batches of one epoch on a background thread while the model trains on the previous
/// one, a few batches ahead. Order and augmentation depend only on (seed, epoch, batch index), so the
/// sequence is the same whatever the thread timing and whether or not the run was resumed.
/// </summary>
public sealed class BatchLoader : IDisposable
{
    private readonly Channel<Batch> channel = Channel.CreateBounded<Batch>(new BoundedChannelOptions(3) { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource stop;
    private readonly Task producer;

    /// <param name="images">The split.</param>
    /// <param name="preprocessor">Resize and normalisation.</param>
    /// <param name="augmentation">Random transforms (<see cref="AugmentationOptions.None"/> for evaluation).</param>
    /// <param name="batchSize">Images per batch; the last batch may be smaller.</param>
    /// <param name="shuffle">Whether to permute the order (seeded by seed and epoch).</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="epoch">Zero-based epoch, part of every derived seed.</param>
    /// <param name="cancellationToken">Stops the producer.</param>
    public BatchLoader(IReadOnlyList<LabeledImage> images, ImagePreprocessor preprocessor, AugmentationOptions augmentation,
        int batchSize, bool shuffle, long seed, int epoch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        BatchCount = (images.Count + batchSize - 1) / batchSize;
        stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var order = Enumerable.Range(0, images.Count).ToArray();
        if (shuffle)
        {
            new Random(SeedMix.Of(seed, epoch, -1)).Shuffle(order);
        }

        producer = Task.Factory.StartNew(
            () => Produce(images, order, preprocessor, augmentation, batchSize, seed, epoch, stop.Token),
            stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public int BatchCount { get; }

    /// <summary>The batches in order; blocks while the next one is being prepared.</summary>
    public IEnumerable<Batch> ReadAll()
    {
        var reader = channel.Reader;
        while (true)
        {
            // Blocking here is intended: training is synchronous TorchSharp work on this thread.
            if (!reader.WaitToReadAsync(stop.Token).AsTask().GetAwaiter().GetResult())
            {
                break;
            }

            while (reader.TryRead(out var batch))
            {
                yield return batch;
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

        stop.Dispose();
    }

    private void Produce(IReadOnlyList<LabeledImage> images, int[] order, ImagePreprocessor preprocessor,
        AugmentationOptions augmentation, int batchSize, long seed, int epoch, CancellationToken token)
    {
        var writer = channel.Writer;
        try
        {
            var perImage = preprocessor.ValuesPerImage;
            for (var b = 0; b < BatchCount; b++)
            {
                token.ThrowIfCancellationRequested();
                var start = b * batchSize;
                var count = Math.Min(batchSize, images.Count - start);
                var inputs = new float[count * perImage];
                var labels = new long[count];
                var random = augmentation.IsIdentity ? null : new Random(SeedMix.Of(seed, epoch, b));
                for (var i = 0; i < count; i++)
                {
                    var image = images[order[start + i]];
                    preprocessor.Write(image, inputs.AsSpan(i * perImage, perImage), augmentation, random);
                    labels[i] = image.Label;
                }

                writer.WriteAsync(new Batch(b, count, inputs, labels), token).AsTask().GetAwaiter().GetResult();
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
