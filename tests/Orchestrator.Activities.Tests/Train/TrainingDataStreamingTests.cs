using Microsoft.Extensions.Options;
using Orchestrator.Activities.Acquire;
using Orchestrator.Activities.Annotate;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Activities.Train;
using Orchestrator.Ml.Data;
using Orchestrator.Ml.Training;
using Orchestrator.Testing;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Policies;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Tests.Train;

/// <summary>A training split larger than the decoded-image budget streams from Blob Storage through a bounded cache, and trains the same.</summary>
public sealed class TrainingDataStreamingTests(PostgresDatabase database, BlobContainer container)
    : LedgerTestBase(database), IClassFixture<PostgresDatabase>, IClassFixture<BlobContainer>
{
    private const long Budget = 12 * 32 * 32 * 3; // twelve of the synthetic 32x32 images

    private static readonly TrainingSpec TinySpec = new("resnet-tiny", Epochs: 2, BatchSize: 16, LearningRate: 0.01, Seed: 7);

    private BlobArtifactStore Store => new(container.Client);

    private async Task<(DatasetVersion Dataset, LabelSet Labels)> LabelledAsync(string runId)
    {
        var source = new DatasetSource("synthetic", null, new Dictionary<string, string> { ["seed"] = "9", ["count"] = "64" }, "CC0-1.0", "none", "P7Y");
        var dataset = await Activity($"setup-{runId}", "acquire").RunAsync(() => new AcquireActivities(Store, Audit).AcquireAsync(new($"setup-{runId}", source, "p")));
        var annotation = new AnnotationSource("simulated", null, new Dictionary<string, string> { ["annotators"] = "3", ["accuracy"] = "0.95", ["seed"] = "4" });
        var labels = await Activity($"setup-{runId}", "annotate").RunAsync(() => new AnnotateActivities(Store, Audit).AnnotateAsync(new($"setup-{runId}", dataset, annotation, 0)));
        return (dataset, labels);
    }

    [Fact]
    public async Task LoadAsync_TrainingSplitOverTheBudget_StreamsTheSameImagesWithinTheBudget()
    {
        var (dataset, labels) = await LabelledAsync("load");

        var whole = await TrainingData.LoadAsync(Store, dataset, labels, Token);
        var streamed = await TrainingData.LoadAsync(Store, dataset, labels, Token, decodedCacheBytes: Budget);

        whole.Train.ShouldBeOfType<List<LabeledImage>>();
        var images = streamed.Train.ShouldBeOfType<StreamedImages>();
        images.Count.ShouldBe(whole.Train.Count);
        whole.Train.Count.ShouldBeGreaterThan(24, "the split must be well over the budget for the test to mean anything");
        for (var i = 0; i < images.Count; i++)
        {
            images[i].Label.ShouldBe(whole.Train[i].Label);
            images[i].Pixels.ToArray().ShouldBe(whole.Train[i].Pixels.ToArray());
        }

        images.Cache.Bytes.ShouldBeLessThanOrEqualTo(Budget);
        images.Cache.Evictions.ShouldBeGreaterThan(0);
        streamed.Validation.Count.ShouldBe(whole.Validation.Count);
    }

    [Fact]
    public async Task Train_SplitStreamedThroughASmallCache_SameWeightsAsHeldInMemory()
    {
        var (dataset, labels) = await LabelledAsync("train");

        var held = await Activity("temporal-held", "1").RunAsync(() => new TrainActivities(Store, Audit).TrainAsync(new("held", dataset, labels, TinySpec, null)));
        var streamed = await Activity("temporal-streamed", "1").RunAsync(() => new TrainActivities(Store, Audit, null,
            Options.Create(new TrainingDataOptions { DecodedCacheBytes = Budget })).TrainAsync(new("streamed", dataset, labels, TinySpec, null)));

        // On the CPU a seed fixes every weight, so identical weights mean the streamed batches were the held ones.
        using var heldModel = TrainingCheckpoint.Load(await Store.GetAsync(held.CheckpointDigest, Token)).CreateModel();
        using var streamedModel = TrainingCheckpoint.Load(await Store.GetAsync(streamed.CheckpointDigest, Token)).CreateModel();
        heldModel.parameters().Zip(streamedModel.parameters()).ShouldAllBe(p => p.First.eq(p.Second).all().item<bool>());
        heldModel.parameters().Count().ShouldBeGreaterThan(0);
    }

    [Fact]
    public void OutOfMemory_IsANonRetryableFailureNamingTheBatchSize()
    {
        var failure = ComputeFailures.OutOfMemory(new DeviceOutOfMemoryException("cuda:0", 256, "epoch 1, batch 1", "CUDA out of memory. Tried to allocate 1.50 GiB"));

        failure.ShouldBeOfType<ApplicationFailureException>();
        (failure.NonRetryable, failure.ErrorType).ShouldBe((true, ComputeFailures.DeviceOutOfMemory));
        failure.Message.ShouldBe("out of GPU memory on cuda:0 at batch size 256 (epoch 1, batch 1): CUDA out of memory. Tried to allocate 1.50 GiB; lower the policy's training batch size");
    }
}
