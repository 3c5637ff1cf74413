using Orchestrator.Activities.Acquire;
using Orchestrator.Activities.Annotate;
using Orchestrator.Activities.Train;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Ml.Training;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Testing;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Policies;
using Orchestrator.Workflows.Train;
using Temporalio.Converters;
using Temporalio.Testing;

namespace Orchestrator.Activities.Tests.Train;

public sealed class TrainActivitiesTests(PostgresDatabase database, BlobContainer container)
    : LedgerTestBase(database), IClassFixture<PostgresDatabase>, IClassFixture<BlobContainer>
{
    private static readonly TrainingSpec TinySpec = new("resnet-tiny", Epochs: 2, BatchSize: 16, LearningRate: 0.01, Seed: 7);

    private readonly string _runId = Guid.NewGuid().ToString("N");

    private BlobArtifactStore Store => new(container.Client);

    private TrainActivities Activities => new(Store, Audit);

    /// <summary>A small synthetic dataset with consensus labels, made by the data-stage activities.</summary>
    private async Task<(DatasetVersion Dataset, LabelSet Labels)> LabelledAsync()
    {
        var source = new DatasetSource("synthetic", null, new Dictionary<string, string> { ["seed"] = "5", ["count"] = "64" }, "CC0-1.0", "none", "P7Y");
        var dataset = await Activity($"setup-{_runId}", "acquire").RunAsync(() => new AcquireActivities(Store, Audit).AcquireAsync(new($"setup-{_runId}", source, "p")));
        var annotation = new AnnotationSource("simulated", null, new Dictionary<string, string> { ["annotators"] = "3", ["accuracy"] = "0.95", ["seed"] = "4" });
        var labels = await Activity($"setup-{_runId}", "annotate").RunAsync(() => new AnnotateActivities(Store, Audit).AnnotateAsync(new($"setup-{_runId}", dataset, annotation, 0)));
        return (dataset, labels);
    }

    private static ActivityEnvironment Attempt(int attempt, List<TrainingHeartbeat> heartbeats, TrainingHeartbeat? resumeFrom = null, Func<TrainingHeartbeat, bool>? cancelWhen = null)
    {
        var info = Activity("temporal-run-1", "7", attempt).Info with
        {
            HeartbeatDetails = resumeFrom is null ? [] : [DataConverter.Default.PayloadConverter.ToPayload(resumeFrom)],
        };
        ActivityEnvironment? environment = null;
        environment = new ActivityEnvironment
        {
            Info = info,
            Heartbeater = details =>
            {
                var beat = (TrainingHeartbeat)details[0]!;
                heartbeats.Add(beat);
                if (cancelWhen?.Invoke(beat) == true)
                {
                    environment!.Cancel();
                }
            },
        };
        return environment;
    }

    private async Task<IReadOnlyList<object>> RunFactsAsync() =>
        [.. (await Ledger.ReadStreamAsync(AuditStreams.Run(_runId), cancellationToken: Token)).Select(e => e.Data)];

    [Fact]
    public async Task Train_TinyDataset_StoresEpochCheckpointsAndRecordsEachFactOnce()
    {
        var (dataset, labels) = await LabelledAsync();
        var heartbeats = new List<TrainingHeartbeat>();

        var model = await Attempt(1, heartbeats).RunAsync(() => Activities.TrainAsync(new(_runId, dataset, labels, TinySpec, null)));

        model.Epochs.ShouldBe(2);
        model.Architecture.ShouldBe("resnet-tiny");
        model.Device.ShouldContain("torchsharp=");
        model.ValidationAccuracy.ShouldBeInRange(0, 1);
        TrainingCheckpoint.Load(await Store.GetAsync(model.CheckpointDigest, Token)).CompletedEpochs.ShouldBe(2);
        heartbeats.ShouldContain(h => h.Epoch == 1 && h.LastCheckpointDigest != null);
        heartbeats[^1].LastCheckpointDigest.ShouldBe(model.CheckpointDigest);
        heartbeats.ShouldAllBe(h => h.Batch <= h.BatchesPerEpoch);

        var facts = await RunFactsAsync();
        facts.Count.ShouldBe(4);
        var started = facts[0].ShouldBeOfType<TrainingStarted>();
        started.ResumedFromCheckpoint.ShouldBeNull();
        started.Hyperparameters["seed"].ShouldBe("7");
        started.Device.ShouldBe(model.Device);
        facts[1].ShouldBeOfType<TrainingEpochCompleted>().Epoch.ShouldBe(1);
        facts[2].ShouldBeOfType<TrainingEpochCompleted>().Epoch.ShouldBe(2);
        var completed = facts[3].ShouldBeOfType<TrainingCompleted>();
        completed.FinalCheckpointDigest.ShouldBe(model.CheckpointDigest);
        completed.LossCurve.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Train_CancelledThenRetriedWithHeartbeatDetails_ContinuesAtNextEpochWithoutDuplicateFacts()
    {
        var (dataset, labels) = await LabelledAsync();
        var input = new ITrainActivities.Input(_runId, dataset, labels, TinySpec, null);
        var firstBeats = new List<TrainingHeartbeat>();

        // Cancel as soon as the first epoch's checkpoint is heartbeated: the trainer stops within one batch.
        await Should.ThrowAsync<OperationCanceledException>(() => Attempt(1, firstBeats, cancelWhen: h => h.LastCheckpointDigest != null)
            .RunAsync(() => Activities.TrainAsync(input)));
        var last = firstBeats[^1];
        last.Epoch.ShouldBe(1);
        last.LastCheckpointDigest.ShouldNotBeNull();

        var secondBeats = new List<TrainingHeartbeat>();
        var model = await Attempt(2, secondBeats, resumeFrom: last).RunAsync(() => Activities.TrainAsync(input));

        model.Epochs.ShouldBe(2);
        secondBeats[0].Epoch.ShouldBe(2);
        secondBeats.ShouldNotContain(h => h.Epoch < 2);
        var facts = await RunFactsAsync();
        facts.OfType<TrainingStarted>().Count(s => s.ResumedFromCheckpoint == null).ShouldBe(1);
        facts.OfType<TrainingStarted>().ShouldContain(s => s.ResumedFromCheckpoint == last.LastCheckpointDigest);
        facts.OfType<TrainingEpochCompleted>().Select(e => e.Epoch).ShouldBe([1, 2]);
        facts.OfType<TrainingCompleted>().ShouldHaveSingleItem().FinalCheckpointDigest.ShouldBe(model.CheckpointDigest);
    }

    [Fact]
    public async Task Train_RetryWithoutHeartbeatAfterRecordedEpoch_ResumesFromTheLedgersCheckpoint()
    {
        var (dataset, labels) = await LabelledAsync();
        var input = new ITrainActivities.Input(_runId, dataset, labels, TinySpec, null);
        var firstBeats = new List<TrainingHeartbeat>();
        await Should.ThrowAsync<OperationCanceledException>(() => Attempt(1, firstBeats, cancelWhen: h => h.LastCheckpointDigest != null)
            .RunAsync(() => Activities.TrainAsync(input)));
        var recorded = (await RunFactsAsync()).OfType<TrainingEpochCompleted>().ShouldHaveSingleItem();

        // The worker died before its checkpoint heartbeat reached the server: the retry gets no heartbeat details.
        var secondBeats = new List<TrainingHeartbeat>();
        var model = await Attempt(2, secondBeats).RunAsync(() => Activities.TrainAsync(input));

        secondBeats[0].Epoch.ShouldBe(2);
        model.Epochs.ShouldBe(2);
        var facts = await RunFactsAsync();
        facts.OfType<TrainingStarted>().ShouldContain(s => s.ResumedFromCheckpoint == recorded.CheckpointDigest);
        facts.OfType<TrainingEpochCompleted>().Select(e => e.Epoch).ShouldBe([1, 2]);
    }
}
