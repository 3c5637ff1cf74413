using Orchestrator.Activities.Artifacts;
using Orchestrator.Activities.Train;
using Orchestrator.Ml.Data;
using Orchestrator.Ml.Evaluation;
using Orchestrator.Ml.Training;
using Orchestrator.Testing;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Policies;
using Orchestrator.Workflows.Train;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Tests.Train;

public sealed class ExportActivitiesTests(PostgresDatabase database, BlobContainer container)
    : LedgerTestBase(database), IClassFixture<PostgresDatabase>, IClassFixture<BlobContainer>
{
    private readonly string _runId = Guid.NewGuid().ToString("N");

    private BlobArtifactStore Store => new(container.Client);

    private async Task<TrainedModel> TrainedAsync()
    {
        var source = new DatasetSource("synthetic", null, new Dictionary<string, string> { ["seed"] = "9", ["count"] = "32" }, "CC0-1.0", "none", "P7Y");
        var dataset = await Activity("setup", "acquire").RunAsync(() => new Activities.Acquire.AcquireActivities(Store, Audit).AcquireAsync(new(_runId, source, "p")));
        var annotation = new AnnotationSource("simulated", null, new Dictionary<string, string> { ["annotators"] = "3", ["accuracy"] = "0.95", ["seed"] = "4" });
        var labels = await Activity("setup", "annotate").RunAsync(() => new Activities.Annotate.AnnotateActivities(Store, Audit).AnnotateAsync(new(_runId, dataset, annotation, 0)));
        var spec = new TrainingSpec("resnet-tiny", Epochs: 1, BatchSize: 16, LearningRate: 0.01, Seed: 3);
        return await Activity("setup", "train").RunAsync(() => new TrainActivities(Store, Audit).TrainAsync(new(_runId, dataset, labels, spec, null)));
    }

    [Fact]
    public async Task Export_TrainedCheckpoint_StoresOnnxWithinParityTolerance()
    {
        var trained = await TrainedAsync();

        var onnx = await Activity("r", "8").RunAsync(() => new ExportActivities(Store).ExportAsync(new(_runId, trained)));

        onnx.ParityMaxAbsError.ShouldBeLessThanOrEqualTo(1e-4);
        onnx.OnnxDigest.ShouldStartWith("sha256:");
        using var evaluator = new OnnxEvaluator(await Store.GetAsync(onnx.OnnxDigest, Token));
        evaluator.ClassCount.ShouldBe(trained.Classes!.Count);
        var image = new SyntheticShapes(new SyntheticShapesOptions(Seed: 1, Count: 2)).Generate(0);
        evaluator.Evaluate([LabeledImages.FromSynthetic(image, trained.Classes)], cancellationToken: Token).ShouldNotBeNull();
    }

    [Fact]
    public async Task Export_ModelWithoutClassNames_FailsNonRetryable()
    {
        var trained = await TrainedAsync() with { Classes = null };

        var failure = await Should.ThrowAsync<ApplicationFailureException>(() =>
            Activity("r", "8").RunAsync(() => new ExportActivities(Store).ExportAsync(new(_runId, trained))));

        failure.NonRetryable.ShouldBeTrue();
    }
}
