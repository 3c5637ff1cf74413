using Orchestrator.Activities.Tests.Evaluate;
using Orchestrator.Activities.Train;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.BaseModels;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Ml.Data;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Onnx;
using Orchestrator.Ml.Training;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Operations.BaseModels;
using Orchestrator.Testing;
using Orchestrator.Workflows.Policies;
using Orchestrator.Workflows.Train;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Tests.Train;

/// <summary>
/// A registered base model through the Train and Export activities: the torchvision-written MobileNetV3-Small fixture (.pt, float16)
/// registered, fine-tuned with a recipe on synthetic data (head replaced, ImageNet preprocessing recorded and exported), and the
/// shared torchvision ResNet fixture refused as a resnet18 naming its first missing key.
/// </summary>
public sealed class BaseModelTrainingTests(PostgresDatabase database, BlobContainer container)
    : LedgerTestBase(database), IClassFixture<PostgresDatabase>, IClassFixture<BlobContainer>, IDisposable
{
    private readonly string _policies = Path.Combine(Path.GetTempPath(), $"base-model-policies-{Guid.NewGuid():N}");
    private readonly string _runId = Guid.NewGuid().ToString("N");
    private readonly string _name = $"mnv3-{Guid.NewGuid():N}"[..20];
    private ModelStages? _stages;

    private ModelStages Stages => _stages ??= new ModelStages(new BlobArtifactStore(container.Client), Audit, ModelStages.TestCatalog(_policies));

    private BaseModelRegistry Registry => new(Ledger, Stages.Store, container.Client, [Repository.Root]);

    private static readonly TrainingSpec Recipe = new("mobilenet_v3_small", Epochs: 2, BatchSize: 8, LearningRate: 0.01, Seed: 9, null,
        new FineTuningSpec(FreezeBackbone: true, UnfreezeLastStages: 1, UnfreezeAfterEpochs: 1, BackboneLearningRateMultiplier: 0.5),
        LabelSmoothing: 0.1, EarlyStopping: new EarlyStoppingSpec(Patience: 2, MinDelta: 0.001), Imbalance: new ImbalanceSpec(ImbalanceSpec.ClassWeights),
        Augmentation: new AugmentationSpec(RandomErasing: 0.5, Rotation: 10));

    public void Dispose()
    {
        if (Directory.Exists(_policies))
        {
            Directory.Delete(_policies, recursive: true);
        }
    }

    private Task<(bool Created, BaseModelRecord Record, string ImportedDigest)> RegisterAsync(string location, string architecture, string? name = null) =>
        Registry.RegisterAsync(new BaseModelRequest(name ?? _name, architecture, location, "torchvision 0.14 mobilenet_v3_small, random weights", "none (random weights)", null),
            Actor.User("alice", "ml-engineer"), "test", Token);

    [Fact]
    public async Task Train_RegisteredBaseModelWithRecipe_FineTunesRecordsEverySettingAndExportsWithParity()
    {
        var (created, record, _) = await RegisterAsync(Repository.MobileNetFixture, "mobilenet_v3_small");
        var (dataset, labels) = await Stages.LabelledAsync(_runId, count: 32);
        var input = new ITrainActivities.Input(_runId, dataset, labels, Recipe, null, BaseModel: new BaseModelRef(_name, record.Registration.WeightsDigest));

        var trained = await ModelStages.Env("base", "train").RunAsync(() => new TrainActivities(Stages.Store, Audit).TrainAsync(input));
        var onnx = await Stages.ExportAsync(_runId, $"m-{_runId}"[..12], dataset, trained);

        created.ShouldBeTrue();
        record.Registration.Architecture.ShouldBe("mobilenet_v3_small");
        record.Registration.Format.ShouldBe("PyTorch");
        record.Registration.Preprocessing["preprocessing.resize_shorter_side"].ShouldBe("256");
        (await Stages.Store.ExistsAsync(record.Registration.WeightsDigest, Token)).ShouldBeTrue();
        var entry = (await Ledger.ReadStreamAsync(AuditStreams.Run(_runId), cancellationToken: Token)).Single(e => e.Data is TrainingStarted);
        var recorded = ((TrainingStarted)entry.Data).Hyperparameters;
        recorded["base-model"].ShouldBe(_name);
        recorded["base-model-weights"].ShouldBe(record.Registration.WeightsDigest);
        recorded["base-model-licence"].ShouldBe("none (random weights)");
        recorded["head"].ShouldBe($"replaced: 5 -> {trained.Classes!.Count} classes, seed 9");
        recorded["training.unfreeze"].ShouldBe("last 1 stages after 1 epochs");
        recorded["training.backbone-lr-multiplier"].ShouldBe("0.5");
        recorded["training.label-smoothing"].ShouldBe("0.1");
        recorded["training.early-stopping"].ShouldBe("patience 2, min-delta 0.001");
        recorded["training.imbalance"].ShouldBe("class-weights");
        recorded["training.augmentation"].ShouldEndWith("random erasing 0.5, rotation 10 degrees");
        recorded["training.recipe"].ShouldBe(TrainingRecipe.Verbatim(Recipe));
        recorded["preprocessing.resize_shorter_side"].ShouldBe("256");
        entry.Context.Evidence.ShouldContain(e => e.Name == "base-model-weights");
        var checkpoint = TrainingCheckpoint.Load(await Stages.Store.GetAsync(trained.CheckpointDigest, Token));
        checkpoint.Preprocessing!.ToMetadata().ShouldBe(Preprocessing.TorchvisionImageNet(224).ToMetadata());
        checkpoint.Spec.ShouldBe(ModelCatalog.Spec("mobilenet_v3_small", trained.Classes.Count));
        onnx.ParityMaxAbsError.ShouldBeLessThanOrEqualTo(OnnxParity.DefaultTolerance);
        using var evaluator = new Ml.Evaluation.OnnxEvaluator(await Stages.Store.GetAsync(onnx.OnnxDigest, Token));
        evaluator.Preprocessor.Preprocessing.ToMetadata().ShouldBe(Preprocessing.TorchvisionImageNet(224).ToMetadata());
    }

    [Fact]
    public async Task Register_SharedResNetFixtureAsResNet18_RefusedNamingTheFirstMissingKey()
    {
        var refused = await Should.ThrowAsync<BaseModelRefusedException>(() => RegisterAsync(Repository.SharedBasicFixture, "resnet18"));

        refused.Key.ShouldBe("layer1.1.conv1.weight");
        refused.Problem.ShouldBe("MissingKey");
        refused.Message.ShouldContain("layer1.1.conv1.weight");
        (await Ledger.ReadStreamAsync(AuditStreams.BaseModel(_name), cancellationToken: Token)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Register_SameWeightsTwice_RecordedOnce()
    {
        var first = await RegisterAsync(Repository.MobileNetFixture, "mobilenet_v3_small");
        var second = await RegisterAsync(Repository.MobileNetFixture, "mobilenet_v3_small");

        (first.Created, second.Created).ShouldBe((true, false));
        second.ImportedDigest.ShouldBe(first.Record.Registration.WeightsDigest);
        (await Ledger.ReadStreamAsync(AuditStreams.BaseModel(_name), cancellationToken: Token)).Select(e => e.Data).OfType<BaseModelRegistered>().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Train_BaseModelOfAnotherArchitecture_FailsNonRetryable()
    {
        var (_, record, _) = await RegisterAsync(Repository.MobileNetFixture, "mobilenet_v3_small");
        var (dataset, labels) = await Stages.LabelledAsync(_runId, count: 32);
        var input = new ITrainActivities.Input(_runId, dataset, labels, Recipe with { Architecture = "resnet18" }, null,
            BaseModel: new BaseModelRef(_name, record.Registration.WeightsDigest));

        var failure = await Should.ThrowAsync<ApplicationFailureException>(() =>
            ModelStages.Env("base", "train").RunAsync(() => new TrainActivities(Stages.Store, Audit).TrainAsync(input)));

        failure.ErrorType.ShouldBe("InvalidInput");
        failure.NonRetryable.ShouldBeTrue();
        failure.Message.ShouldContain("is a mobilenet_v3_small");
    }

    /// <summary>The checkout's fixture files, used as they are.</summary>
    private static class Repository
    {
        public static string Root { get; } = FindRoot();

        public static string MobileNetFixture => Path.Combine(Root, "tests", "Orchestrator.Ml.Tests", "Fixtures", "torchvision", "tv-mobilenet_v3_small-f16.pt");

        public static string SharedBasicFixture => Path.Combine(Root, "tests", "fixtures", "torchvision", "tv-resnet-basic-1111.safetensors");

        private static string FindRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("The tests run outside the checkout.");
        }
    }
}
