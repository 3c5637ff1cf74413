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
    /// <summary>Labelled items per split, including splits whose images were not loaded.</summary>
    public IReadOnlyDictionary<DataSplit, int> Labelled { get; init; } = new Dictionary<DataSplit, int>();

    /// <summary>
    /// Reads the manifest, the consensus labels and every image by digest (verified by the store). The
    /// split comes from each image's digest, as in QC, so training and evaluation see the splits QC checked.
    /// <paramref name="only"/> loads the images of one split (evaluation needs only the test split).
    /// </summary>
    public static async Task<TrainingData> LoadAsync(BlobArtifactStore store, DatasetVersion dataset, LabelSet labels, CancellationToken cancellationToken, DataSplit? only = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(labels);
        var manifest = ManifestJson.Parse(await store.GetAsync(dataset.ManifestDigest, cancellationToken).ConfigureAwait(false));
        var consensus = LabelJsonLines.ReadConsensus(await store.GetAsync(labels.LabelSetDigest, cancellationToken).ConfigureAwait(false));
        var classes = manifest.Classes;
        var splits = DatasetSplitter.Assign(manifest, SplitFractions.Default);
        var bySplit = new Dictionary<DataSplit, List<LabeledImage>> { [DataSplit.Train] = [], [DataSplit.Validation] = [], [DataSplit.Test] = [] };
        var labelled = bySplit.Keys.ToDictionary(k => k, _ => 0);
        foreach (var item in manifest.Items.OrderBy(i => i.ItemId, StringComparer.Ordinal))
        {
            // Items without a consensus label (or with a label outside the vocabulary) cannot be learned from.
            if (!consensus.TryGetValue(item.ItemId, out var label) || classes.ToList().IndexOf(label) is var index && index < 0)
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

            bySplit[split].Add(new LabeledImage(image.Width, image.Height, image.Pixels, index, item.Slices));
        }

        return new TrainingData(classes, bySplit[DataSplit.Train], bySplit[DataSplit.Validation], bySplit[DataSplit.Test]) { Labelled = labelled };
    }

    /// <summary>The network a policy's architecture name stands for.</summary>
    public static ModelSpec Spec(string architecture, int classes) => architecture switch
    {
        "resnet-small" => new ModelSpec(Architecture.ResNet32, classes),
        "resnet-tiny" => new ModelSpec(Architecture.ResNet32, classes, Width: 8, StemStride: 2),
        "resnet-224" => new ModelSpec(Architecture.ResNet224, classes),
        _ => throw new ArgumentException($"Unknown architecture '{architecture}' (resnet-tiny, resnet-small, resnet-224).", nameof(architecture)),
    };
}
