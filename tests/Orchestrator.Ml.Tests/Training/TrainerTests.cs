using Orchestrator.Ml.Models;
using Orchestrator.Ml.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Tests.Training;

public sealed class TrainerTests
{
    private static readonly ModelSpec TinySpec = new(Architecture.ResNet32, NumClasses: 4, Width: 4, BlocksPerStage: 1, Stages: 2);
    private static readonly LabeledImage[] Train = ShapeImages.Generate(96, seed: 1);
    private static readonly LabeledImage[] Validation = ShapeImages.Generate(32, seed: 2);

    private static TrainingOptions Options(int epochs) => new() { Epochs = epochs, BatchSize = 16, Seed = 5, LearningRate = 3e-3 };

    private static Trainer NewTrainer(TrainingOptions options) => new(new ImagePreprocessor(Preprocessing.Centered(32)), options);

    // Every model starts from the same initial weights, copied rather than re-drawn, because the global
    // torch generator is shared with test classes running in parallel.
    private static readonly ResNet Template = new(TinySpec);

    private static ResNet NewModel()
    {
        var model = new ResNet(TinySpec);
        model.load_state_dict(Template.state_dict());
        return model;
    }

    [Fact]
    public async Task TrainAsync_LearningRateThatDiverges_StopsInTheFirstNonFiniteBatchSayingWhy()
    {
        using var model = NewModel();
        var batches = new List<TrainingProgress>();
        var options = Options(3) with { LearningRate = 1e30, Schedule = ScheduleKind.Constant };

        var diverged = await Should.ThrowAsync<TrainingDivergedException>(() => NewTrainer(options).TrainAsync(model, Train, Validation, null,
            new TrainingCallbacks { OnBatch = batches.Add }, TestContext.Current.CancellationToken));

        // Every reported batch was finite; the failing one is the next, and nothing after it ran.
        batches.ShouldAllBe(b => double.IsFinite(b.Loss));
        (diverged.Epoch, diverged.Batch).ShouldBe((batches.Count / 6 + 1, batches.Count % 6 + 1));
        diverged.Message.ShouldMatch(@"^training diverged: (loss|gradient norm) is (NaN|\+infinity) at epoch \d+, batch \d+ \(learning rate 1E\+30\)$");
        model.parameters().All(p => p.isfinite().all().item<bool>()).ShouldBeTrue("the optimiser must not write the diverged step into the weights");
    }

    [Fact]
    public async Task TrainAsync_SameSeedTwice_IdenticalWeights()
    {
        using var first = NewModel();
        using var second = NewModel();

        await NewTrainer(Options(1)).TrainAsync(first, Train, Validation, null, null, TestContext.Current.CancellationToken);
        await NewTrainer(Options(1)).TrainAsync(second, Train, Validation, null, null, TestContext.Current.CancellationToken);

        MaxWeightDifference(first, second).ShouldBe(0);
    }

    [Fact]
    public async Task TrainAsync_CrashAfterSecondEpochThenResume_ContinuesEpochCountAndMatchesUninterruptedRun()
    {
        var token = TestContext.Current.CancellationToken;
        using var uninterrupted = NewModel();
        await NewTrainer(Options(3)).TrainAsync(uninterrupted, Train, Validation, null, null, token);

        // The "worker" dies right after storing the epoch-2 checkpoint.
        TrainingCheckpoint? stored = null;
        using var crash = CancellationTokenSource.CreateLinkedTokenSource(token);
        using var crashed = NewModel();
        var crashCallbacks = new TrainingCallbacks
        {
            OnCheckpoint = (c, _) =>
            {
                stored = c;
                if (c.CompletedEpochs == 2)
                {
                    crash.Cancel();
                }

                return Task.CompletedTask;
            },
        };
        await Should.ThrowAsync<OperationCanceledException>(
            () => NewTrainer(Options(3)).TrainAsync(crashed, Train, Validation, null, crashCallbacks, crash.Token));

        // The retry builds a fresh model and resumes from the stored bytes.
        var fromStorage = TrainingCheckpoint.Load(stored!.Bytes.ToArray());
        var epochsSeen = new List<int>();
        using var resumed = NewModel();
        var result = await NewTrainer(Options(3)).TrainAsync(resumed, Train, Validation, fromStorage,
            new TrainingCallbacks { OnBatch = p => epochsSeen.Add(p.Epoch) }, token);

        fromStorage.CompletedEpochs.ShouldBe(2);
        result.ResumedFromEpoch.ShouldBe(2);
        epochsSeen.Distinct().ShouldBe([3]);
        result.History.Select(h => h.Epoch).ShouldBe([1, 2, 3]);
        MaxWeightDifference(uninterrupted, resumed).ShouldBe(0);
    }

    [Fact]
    public async Task TrainAsync_CancelledDuringBatch_StopsWithinOneBatch()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var batches = 0;
        var batchesAfterCancel = 0;
        var callbacks = new TrainingCallbacks
        {
            OnBatch = p =>
            {
                batches++;
                if (cts.IsCancellationRequested)
                {
                    batchesAfterCancel++;
                }

                if (batches == 3)
                {
                    cts.Cancel();
                }
            },
        };
        using var model = NewModel();

        await Should.ThrowAsync<OperationCanceledException>(
            () => NewTrainer(Options(5)).TrainAsync(model, Train, Validation, null, callbacks, cts.Token));

        batches.ShouldBe(3);
        batchesAfterCancel.ShouldBe(0);
    }

    [Fact]
    public async Task TrainAsync_NoImprovementForPatienceEpochs_StopsEarly()
    {
        // A MinDelta nobody can beat: only the first epoch counts as an improvement.
        var options = Options(6) with { EarlyStoppingPatience = 2, MinDelta = 1e9 };
        using var model = NewModel();

        var result = await NewTrainer(options).TrainAsync(model, Train, Validation, null, null, TestContext.Current.CancellationToken);

        result.StoppedEarly.ShouldBeTrue();
        result.History.Count.ShouldBe(3);
        result.BestEpoch.ShouldBe(1);
    }

    [Fact]
    public async Task TrainAsync_FreezeBackbone_ChangesOnlyTheHead()
    {
        using var model = NewModel();
        var before = model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        var options = Options(1) with { FreezeBackbone = true, Optimizer = OptimizerKind.SgdMomentum, Imbalance = ImbalanceHandling.FocalLoss };

        await NewTrainer(options).TrainAsync(model, Train, null, null, null, TestContext.Current.CancellationToken);

        foreach (var (name, value) in model.state_dict())
        {
            var changed = (value.to_type(ScalarType.Float64) - before[name].to_type(ScalarType.Float64)).abs().max().item<double>() > 0;
            changed.ShouldBe(name.StartsWith(ResNet.HeadPrefix, StringComparison.Ordinal), name);
        }
    }

    internal static double MaxWeightDifference(ResNet a, ResNet b)
    {
        var other = b.state_dict();
        return a.state_dict().Max(p => (p.Value.to_type(ScalarType.Float64) - other[p.Key].to_type(ScalarType.Float64)).abs().max().item<double>());
    }
}
