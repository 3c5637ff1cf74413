using Orchestrator.Activities.Annotate;
using Orchestrator.Ml.Data;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Training;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;

namespace Orchestrator.Activities.Train;

/// <summary>The splits of a dataset version, decoded and labelled with the consensus labels.</summary>
public sealed record TrainingData(IReadOnlyList<string> Classes, IReadOnlyList<LabeledImage> Train, IReadOnlyList<LabeledImage> Validation, IReadOnlyList<LabeledImage> Test)
{
    /// <summary>Single-label (each image's Label is its class) or multi-label (each image's Targets is its multi-hot label set), from the manifest.</summary>
    public Contracts.TaskKind Task { get; init; } = Contracts.TaskKind.SingleLabel;

    /// <summary>Labelled items per split, including splits whose images were not loaded.</summary>
    public IReadOnlyDictionary<DataSplit, int> Labelled { get; init; } = new Dictionary<DataSplit, int>();

    /// <summary>
    /// Reads the manifest, the consensus labels and every image by digest (verified by the store). The
    /// split comes from each image's digest, as in QC, so training and evaluation see the splits QC checked.
    /// <paramref name="only"/> loads the images of one split (evaluation needs only the test split). A training
    /// split whose decoded pixels exceed <paramref name="decodedCacheBytes"/> is not held whole: it becomes a
    /// <see cref="StreamedImages"/> that reloads images from the store through a cache of that size.
    /// </summary>
    public static async Task<TrainingData> LoadAsync(BlobArtifactStore store, DatasetVersion dataset, LabelSet labels, CancellationToken cancellationToken,
        DataSplit? only = null, long decodedCacheBytes = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(labels);
        var manifest = ManifestJson.Parse(await store.GetAsync(dataset.ManifestDigest, cancellationToken).ConfigureAwait(false));
        var stored = await store.GetAsync(labels.LabelSetDigest, cancellationToken).ConfigureAwait(false);
        var multiLabel = manifest.Task == Contracts.TaskKind.MultiLabel;
        var consensus = multiLabel ? new Dictionary<string, string>() : LabelJsonLines.ReadConsensus(stored);
        var sets = multiLabel ? LabelJsonLines.ReadConsensusSets(stored) : new Dictionary<string, IReadOnlyList<string>>();
        var classes = manifest.Classes;
        var splits = DatasetSplitter.Assign(manifest, SplitFractions.Default);
        var bySplit = new Dictionary<DataSplit, List<LabeledImage>> { [DataSplit.Train] = [], [DataSplit.Validation] = [], [DataSplit.Test] = [] };
        var labelled = bySplit.Keys.ToDictionary(k => k, _ => 0);
        var cache = new DecodedImageCache(decodedCacheBytes);
        var streamed = new List<StreamedItem>();
        var held = new List<LabeledImage>();
        foreach (var item in manifest.Items.OrderBy(i => i.ItemId, StringComparer.Ordinal))
        {
            // Items without a consensus label (or with a label outside the vocabulary) cannot be learned from; a multi-label item's
            // consensus set (possibly empty) becomes its multi-hot targets, with class index 0 unused.
            float[]? targets = null;
            int index;
            if (multiLabel)
            {
                if (!sets.TryGetValue(item.ItemId, out var set) || MultiHot(set, classes) is not { } hot)
                {
                    continue;
                }

                (targets, index) = (hot, 0);
            }
            else if (!consensus.TryGetValue(item.ItemId, out var label) || (index = IndexOf(classes, label)) < 0)
            {
                continue;
            }

            var split = splits[item.ItemId];
            labelled[split]++;
            if (only is { } wanted && wanted != split)
            {
                continue;
            }

            var content = await store.GetAsync(item.ContentDigest, cancellationToken).ConfigureAwait(false);
            if (!ImageCodec.TryDecode(content, out var image, out _) || image is null)
            {
                continue;
            }

            if (split == DataSplit.Train)
            {
                cache.Add(item.ContentDigest, image);
                streamed.Add(new StreamedItem(item.ContentDigest, index, item.Slices, targets));
                held.Add(new LabeledImage(image.Width, image.Height, image.Pixels, index, item.Slices, targets));
                if (cache.Evictions > 0)
                {
                    held.Clear(); // over the budget: the split streams, and the list must not keep what the cache let go
                }
            }
            else
            {
                bySplit[split].Add(new LabeledImage(image.Width, image.Height, image.Pixels, index, item.Slices, targets));
            }
        }

        // Nothing evicted: the whole split is in memory, held as a list as always.
        IReadOnlyList<LabeledImage> train = cache.Evictions == 0
            ? held
            : new StreamedImages(streamed, cache, digest => Reload(store, digest, cancellationToken));
        return new TrainingData(classes, train, bySplit[DataSplit.Validation], bySplit[DataSplit.Test]) { Labelled = labelled, Task = manifest.Task };
    }

    private static int IndexOf(IReadOnlyList<string> classes, string label)
    {
        for (var k = 0; k < classes.Count; k++)
        {
            if (string.Equals(classes[k], label, StringComparison.Ordinal))
            {
                return k;
            }
        }

        return -1;
    }

    /// <summary>The multi-hot vector of a label set; null when it names a label outside the vocabulary (such an item cannot be learned from).</summary>
    private static float[]? MultiHot(IReadOnlyList<string> set, IReadOnlyList<string> classes)
    {
        var hot = new float[classes.Count];
        foreach (var label in set)
        {
            var k = IndexOf(classes, label);
            if (k < 0)
            {
                return null;
            }

            hot[k] = 1;
        }

        return hot;
    }

    // On the trainer's loader threads: synchronous by design (they fill host buffers between training steps).
    private static RgbImage Reload(BlobArtifactStore store, string digest, CancellationToken cancellationToken)
    {
        var content = store.GetAsync(digest, cancellationToken).GetAwaiter().GetResult();
        return ImageCodec.TryDecode(content, out var image, out var error) && image is not null
            ? image
            : throw new InvalidDataException($"The image {digest} decoded when the dataset was loaded but not when streamed: {error}");
    }

    /// <summary>The network a policy's architecture name stands for (<see cref="ModelCatalog"/>: the small ResNets and torchvision's networks).</summary>
    public static ModelSpec Spec(string architecture, int classes) => ModelCatalog.Spec(architecture, classes);
}
