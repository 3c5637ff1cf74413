using Orchestrator.Activities.Tests.Evaluate;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Contracts;
using Orchestrator.Ml.Data;
using Orchestrator.Ml.Evaluation;
using Orchestrator.Ml.Training;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Testing;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Train;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Tests.Train;

public sealed class ExportActivitiesTests(PostgresDatabase database, BlobContainer container)
    : LedgerTestBase(database), IClassFixture<PostgresDatabase>, IClassFixture<BlobContainer>, IDisposable
{
    private readonly string _policies = Path.Combine(Path.GetTempPath(), $"export-policies-{Guid.NewGuid():N}");
    private readonly string _runId = Guid.NewGuid().ToString("N");
    private readonly string _model = $"shapes-{Guid.NewGuid():N}"[..20];
    private ModelStages? _stages;

    private ModelStages Stages => _stages ??= new ModelStages(new BlobArtifactStore(container.Client), Audit, ModelStages.TestCatalog(_policies));

    public void Dispose()
    {
        if (Directory.Exists(_policies))
        {
            Directory.Delete(_policies, recursive: true);
        }
    }

    private async Task<(DatasetVersion Dataset, TrainedModel Trained)> TrainedAsync(string runId, int seed = 3)
    {
        var (dataset, labels) = await Stages.LabelledAsync(runId, count: 32);
        return (dataset, await Stages.TrainAsync(runId, dataset, labels, seed));
    }

    private async Task<IReadOnlyList<ModelExported>> ExportedFactsAsync() =>
        [.. (await Ledger.ReadStreamAsync(AuditStreams.Model(_model), cancellationToken: Token)).Select(e => e.Data).OfType<ModelExported>()];

    [Fact]
    public async Task Export_TrainedCheckpointInvokedTwice_StoresOnnxWithinToleranceAndRecordsVersionOnce()
    {
        var (dataset, trained) = await TrainedAsync(_runId);

        var onnx = await Stages.ExportAsync(_runId, _model, dataset, trained, Stages.PolicyDigest("default"));
        var again = await Stages.ExportAsync(_runId, _model, dataset, trained, Stages.PolicyDigest("default"));

        onnx.ParityMaxAbsError.ShouldBeLessThanOrEqualTo(1e-4);
        onnx.OnnxDigest.ShouldStartWith(Digest.Prefix);
        onnx.Version.ShouldBe(1);
        again.ShouldBe(onnx);
        var exported = (await ExportedFactsAsync()).ShouldHaveSingleItem();
        exported.ShouldBe(new ModelExported(1, _runId, dataset.ManifestDigest, onnx.OnnxDigest, onnx.OnnxUri, onnx.ParityMaxAbsError));
        using var evaluator = new OnnxEvaluator(await Stages.Store.GetAsync(onnx.OnnxDigest, Token));
        evaluator.ClassCount.ShouldBe(trained.Classes!.Count);
        evaluator.ClassNames.ShouldBe(trained.Classes);
        var image = new SyntheticShapes(new SyntheticShapesOptions(Seed: 1, Count: 2)).Generate(0);
        evaluator.Evaluate([LabeledImages.FromSynthetic(image, trained.Classes)], cancellationToken: Token).ShouldNotBeNull();
    }

    [Fact]
    public async Task Export_SecondRunOfSameModel_RecordsNextVersion()
    {
        var (dataset, first) = await TrainedAsync($"{_runId}-a", seed: 3);
        var (_, second) = await TrainedAsync($"{_runId}-b", seed: 4);

        var v1 = await Stages.ExportAsync($"{_runId}-a", _model, dataset, first);
        var v2 = await Stages.ExportAsync($"{_runId}-b", _model, dataset, second);

        (v1.Version, v2.Version).ShouldBe((1, 2));
        (await ExportedFactsAsync()).Select(e => (e.Version, e.RunId)).ShouldBe([(1, $"{_runId}-a"), (2, $"{_runId}-b")]);
    }

    [Fact]
    public async Task Export_ParityAbovePolicyTolerance_FailsNonRetryableAndRecordsNoVersion()
    {
        var (dataset, trained) = await TrainedAsync(_runId);

        var failure = await Should.ThrowAsync<ApplicationFailureException>(() => Stages.ExportAsync(_runId, _model, dataset, trained, Stages.PolicyDigest("strict-parity")));

        failure.NonRetryable.ShouldBeTrue();
        failure.ErrorType.ShouldBe("PolicyViolation");
        failure.Message.ShouldContain("exceeds the tolerated 1.000E-012");
        (await ExportedFactsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Export_ModelWithoutClassNamesOrModelName_FailsNonRetryable()
    {
        var (dataset, trained) = await TrainedAsync(_runId);

        var noClasses = await Should.ThrowAsync<ApplicationFailureException>(() => Stages.ExportAsync(_runId, _model, dataset, trained with { Classes = null }));
        var noModel = await Should.ThrowAsync<ApplicationFailureException>(() => ModelStages.Env("r", "8").RunAsync(() =>
            new Activities.Train.ExportActivities(Stages.Store, Audit, Stages.Catalog, Models).ExportAsync(new(_runId, trained))));

        noClasses.NonRetryable.ShouldBeTrue();
        noModel.NonRetryable.ShouldBeTrue();
        noModel.Message.ShouldContain("ModelName");
    }
}
