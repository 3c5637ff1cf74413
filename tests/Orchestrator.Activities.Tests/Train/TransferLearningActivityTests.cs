using Orchestrator.Activities.Tests.Evaluate;
using Orchestrator.Activities.Train;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Contracts;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Training;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Testing;
using Orchestrator.Workflows.Policies;
using Orchestrator.Workflows.Train;
using Temporalio.Exceptions;
using static TorchSharp.torch;

namespace Orchestrator.Activities.Tests.Train;

public sealed class TransferLearningActivityTests(PostgresDatabase database, BlobContainer container)
    : LedgerTestBase(database), IClassFixture<PostgresDatabase>, IClassFixture<BlobContainer>, IDisposable
{
    private static readonly TrainingSpec Spec = new("resnet-tiny", Epochs: 1, BatchSize: 16, LearningRate: 0.01, Seed: 5);
    private readonly string _policies = Path.Combine(Path.GetTempPath(), $"transfer-policies-{Guid.NewGuid():N}");
    private readonly string _runId = Guid.NewGuid().ToString("N");
    private ModelStages? _stages;

    private ModelStages Stages => _stages ??= new ModelStages(new BlobArtifactStore(container.Client), Audit, ModelStages.TestCatalog(_policies));

    public void Dispose()
    {
        if (Directory.Exists(_policies))
        {
            Directory.Delete(_policies, recursive: true);
        }
    }

    private async Task<(ITrainActivities.Input Input, TrainedModel Base)> FineTuneInputAsync(bool freeze, IReadOnlyList<string>? baseClasses = null)
    {
        var (dataset, labels) = await Stages.LabelledAsync($"{_runId}-base", count: 48);
        var trained = await Stages.TrainAsync($"{_runId}-base", dataset, labels, seed: 3);
        return (new ITrainActivities.Input(_runId, dataset, labels, Spec, trained.CheckpointDigest, freeze, baseClasses ?? trained.Classes), trained);
    }

    private Task<TrainedModel> TrainAsync(ITrainActivities.Input input) =>
        ModelStages.Env("retrain", "train").RunAsync(() => new TrainActivities(Stages.Store, Audit).TrainAsync(input));

    private async Task<TrainingStarted> StartedAsync() =>
        (await Ledger.ReadStreamAsync(AuditStreams.Run(_runId), cancellationToken: Token)).Select(e => e.Data).OfType<TrainingStarted>().ShouldHaveSingleItem();

    private async Task<ResNet> ModelAsync(string digest, bool best) => TrainingCheckpoint.Load(await Stages.Store.GetAsync(digest, Token)).CreateModel(best);

    [Fact]
    public async Task Train_FromBaseCheckpointWithFrozenBackbone_TrainsOnlyTheKeptHeadAndRecordsTheBase()
    {
        var (input, baseModel) = await FineTuneInputAsync(freeze: true);

        var tuned = await TrainAsync(input);

        var started = await StartedAsync();
        started.Hyperparameters["fine-tuned-from"].ShouldBe(baseModel.CheckpointDigest);
        started.Hyperparameters["freeze-backbone"].ShouldBe("true");
        started.Hyperparameters["head"].ShouldBe("kept");
        var entry = (await Ledger.ReadStreamAsync(AuditStreams.Run(_runId), cancellationToken: Token)).First(e => e.Data is TrainingStarted);
        entry.Context.Evidence.ShouldContain(e => e.Name == "base-checkpoint" && Digest.FromHex(e.Sha256).ToString() == baseModel.CheckpointDigest);

        using var before = await ModelAsync(baseModel.CheckpointDigest, best: true);
        using var after = await ModelAsync(tuned.CheckpointDigest, best: false);
        var old = before.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, value) in after.named_parameters())
        {
            var unchanged = value.allclose(old[name], 0, 0);
            unchanged.ShouldBe(!name.StartsWith(ResNet.HeadPrefix, StringComparison.Ordinal), name);
        }
    }

    [Fact]
    public async Task Train_FromBaseCheckpointWithRenamedClasses_ReplacesTheHead()
    {
        var (input, baseModel) = await FineTuneInputAsync(freeze: false, baseClasses: ["w", "x", "y", "z"]);

        var tuned = await TrainAsync(input);

        var started = await StartedAsync();
        started.Hyperparameters["head"].ShouldBe("replaced");
        started.Hyperparameters["freeze-backbone"].ShouldBe("false");
        tuned.Classes.ShouldBe(baseModel.Classes); // the new head's classes are the dataset's, not the base's
    }

    [Fact]
    public async Task Train_MissingBaseCheckpoint_FailsNonRetryable()
    {
        var (input, _) = await FineTuneInputAsync(freeze: false);

        var failure = await Should.ThrowAsync<ApplicationFailureException>(() => TrainAsync(input with { BaseCheckpointDigest = Digest.FromHex(new string('0', 64)).ToString() }));

        failure.NonRetryable.ShouldBeTrue();
        failure.ErrorType.ShouldBe("NotFound");
    }

    [Fact]
    public async Task Train_FreezeBackboneWithoutBase_FailsNonRetryable()
    {
        var (input, _) = await FineTuneInputAsync(freeze: true);

        var failure = await Should.ThrowAsync<ApplicationFailureException>(() => TrainAsync(input with { BaseCheckpointDigest = null }));

        failure.NonRetryable.ShouldBeTrue();
        failure.ErrorType.ShouldBe("InvalidInput");
    }
}
