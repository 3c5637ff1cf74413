using System.Diagnostics;
using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Orchestrator.Activities.Acquire;
using Orchestrator.Contracts;
using Orchestrator.Ml.Annotation;
using Orchestrator.Ml.Data;
using Orchestrator.Ml.Quality;
using Orchestrator.Workflows.QualityControl;

namespace Orchestrator.Benchmarks.Data;

/// <summary>
/// Acquire + QC of an image-folder dataset in Blob Storage (read, digest, decode check, perceptual
/// hash, canonical manifest, digest-keyed split, duplicate/near-duplicate/leakage/slice checks,
/// agreement statistics over three simulated annotators, gold-audit sample, the gate) against merely
/// reading and SHA-256 hashing the same blobs with the same read-ahead. Reported in images/s.
/// </summary>
public sealed class DataIngestBenchmark : IBenchmark
{
    private const int ReadAhead = 16;
    private const string ImagesPrefix = "images";
    private static readonly DatasetTerms Terms = new("CC0-1.0", "not-applicable: synthetic", "P1Y");

    public string Name => "data-ingest";

    public string Description => "acquire + QC of 32x32 images from Blob Storage vs reading and hashing the same blobs (images/s)";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var count = BenchContext.Scaled(50_000);
        var container = new BlobContainerClient(BenchContext.BlobConnectionString, $"bench-data-{Guid.NewGuid():N}");
        await container.CreateAsync(cancellationToken: cancellationToken);
        try
        {
            var options = new SyntheticShapesOptions(Seed: 2026, Count: count);
            var upload = Stopwatch.StartNew();
            await Parallel.ForEachAsync(new SyntheticShapes(options).Generate(), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
                async (image, ct) => await container.UploadBlobAsync($"{ImagesPrefix}/{image.Label}/{image.ItemId}.png", BinaryData.FromBytes(ImageCodec.EncodePng(image.Image)), ct));
            BenchContext.Note($"uploaded {count} images in {upload.Elapsed.TotalSeconds:0.0} s");

            // The annotate stage's output, prepared outside the timing: three labels per item.
            var items = new SyntheticShapes(options).Generate().Select(i => ($"{i.Label}/{i.ItemId}.png", i.Label)).ToList();
            var annotations = AnnotatorSimulator.Simulate(items, options.EffectiveClasses,
                [new("a1", 0.95), new("a2", 0.9), new("a3", 0.85), new("a4", 0.8)], 3, seed: 1);

            // The production tree the Acquire activity reads blob:// locations with.
            var tree = new BlobFileTree(container, ImagesPrefix);
            var baseline = new List<double>();
            var measured = new List<double>();
            for (var round = 0; round < 2; round++)
            {
                baseline.Add(await TimeAsync(count, () => ReadAndHashAsync(tree, cancellationToken)));
                measured.Add(await TimeAsync(count, () => AcquireAndCheckAsync(tree, annotations, cancellationToken)));
            }

            BenchContext.Note($"read+hash {string.Join(", ", baseline.Select(b => $"{b:0}"))} images/s; acquire+QC {string.Join(", ", measured.Select(m => $"{m:0}"))} images/s");
            context.Ratio(measured.Max(), baseline.Max(), "images/s");
        }
        finally
        {
            await container.DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
        }
    }

    private static async Task<double> TimeAsync(int count, Func<Task<int>> run)
    {
        var watch = Stopwatch.StartNew();
        var seen = await run();
        if (seen != count)
        {
            throw new InvalidOperationException($"Processed {seen} images, expected {count}.");
        }

        return count / watch.Elapsed.TotalSeconds;
    }

    private static async Task<int> ReadAndHashAsync(BlobFileTree tree, CancellationToken cancellationToken)
    {
        var seen = 0;
        var hash = new byte[SHA256.HashSizeInBytes];
        await foreach (var image in new ImageFolderSource(tree, readAhead: ReadAhead).ReadAsync(cancellationToken))
        {
            SHA256.HashData(image.Content, hash);
            seen++;
        }

        return seen;
    }

    private static async Task<int> AcquireAndCheckAsync(BlobFileTree tree, IReadOnlyList<AnnotationRecord> annotations, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var ingest = await DatasetIngestor.IngestAsync(new ImageFolderSource(tree, readAhead: ReadAhead), "shapes", Terms, null, cancellationToken);
        var acquireSeconds = watch.Elapsed.TotalSeconds;
        var manifest = ingest.Manifest;
        var manifestBytes = ManifestJson.ToCanonicalBytes(manifest);
        await tree.Container.GetBlobClient($"manifests/{Digest.Of(manifestBytes).ToString()}").UploadAsync(BinaryData.FromBytes(manifestBytes), overwrite: true, cancellationToken);

        var splits = DatasetSplitter.Assign(manifest, SplitFractions.Default);
        var set = AnnotationSet.From(annotations, manifest.Classes);
        var majority = MajorityVote.Compute(set);
        var consensus = majority.ToDictionary(m => m.ItemId, m => m.Label, StringComparer.Ordinal);
        var checks = DatasetChecks.Run(manifest, splits, consensus);
        var fleiss = FleissKappa.FromAnnotations(set);
        var alpha = KrippendorffAlpha.Nominal(set);
        var perClass = PerClassAgreement.Compute(set);
        var flags = DisagreementFlags.Find(majority, null, minimumSupport: 0.6);
        var sample = GoldAudit.Sample([.. manifest.Items.Select(i => (i.ItemId, consensus[i.ItemId]))], 200, seed: 7);
        var manifestLabels = manifest.Items.ToDictionary(i => i.ItemId, i => i.Label, StringComparer.Ordinal);
        var audit = GoldAudit.Evaluate(sample, consensus, manifestLabels);

        var evidence = new QcEvidence(manifest.Items.Count, ingest.Corrupt.Count, fleiss?.Overall.Kappa, alpha, perClass,
            flags.Count / (double)manifest.Items.Count, new GoldAuditEvidence(audit.Reviewed, audit.PassRate, audit.Lower, audit.Upper),
            checks.ClassCounts, checks.ImbalanceRatio, checks.ExactDuplicateFraction, checks.NearDuplicateFraction, checks.LeakingItems,
            checks.Slices.ToDictionary(s => $"{s.Attribute}={s.Value}", s => s.Count, StringComparer.Ordinal));
        var verdict = QualityGate.Evaluate(evidence, new QcPolicy(MaxCorruptFraction: 0, MinKrippendorffAlpha: 0.667, MaxLeakingItems: 0, MaxNearDuplicateFraction: 0.05));
        BenchContext.Note($"acquire {acquireSeconds:0.00} s, QC {watch.Elapsed.TotalSeconds - acquireSeconds:0.00} s");
        BenchContext.Note($"QC {(verdict.Passed ? "passed" : "failed: " + string.Join("; ", verdict.Reasons))}; alpha={alpha:0.000}, near-duplicate share={checks.NearDuplicateFraction:0.0000}");
        return manifest.Items.Count;
    }
}
