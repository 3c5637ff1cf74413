using System.Diagnostics;
using Azure.Storage.Blobs;
using Orchestrator.Activities.Acquire;
using Orchestrator.Activities.Annotate;
using Orchestrator.Activities.Common;
using Orchestrator.Activities.Train;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Storage;
using Orchestrator.Benchmarks.Audit;
using Orchestrator.Ml.Training;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Policies;
using Orchestrator.Workflows.Train;
using Temporalio.Testing;

namespace Orchestrator.Benchmarks.Ml;

/// <summary>
/// Training samples/second inside the Train activity (Temporal heartbeats every batch, a checkpoint
/// uploaded to Blob Storage and an audit entry in PostgreSQL every epoch, the background loader with
/// augmentation) against <see cref="BareTrainingLoop"/> on the same training images and network. The
/// activity's training phase is timed by its own ledger entries (TrainingStarted to TrainingCompleted);
/// the end-to-end variant also counts loading and decoding the dataset version from Blob Storage. "/resnet18" is the same
/// comparison for a torchvision-layout ResNet-18 fine-tuned from a registered base model at 224 px (<see cref="TorchvisionTrainOverhead"/>).
/// </summary>
public sealed class TrainOverheadBenchmark : IBenchmark
{
    // The default policy's network (policies/default.v1.json) on the acceptance-sized synthetic dataset: a tiny
    // network on a few hundred images trains an epoch in a fraction of a second, so the per-epoch checkpoint and
    // ledger entry would be measured against an unrealistically short epoch.
    private static readonly TrainingSpec Spec = new("resnet-small", Epochs: 3, BatchSize: 64, LearningRate: 0.002, Seed: 7);

    public string Name => "train-overhead";

    public string Description => "Train activity (heartbeats, checkpoints, audit) vs a bare TorchSharp loop on the same data and model (samples/s)";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await using var database = await BenchDatabase.CreateAsync(cancellationToken);
        await using var ledgerDatabase = await LedgerDatabase.OpenAsync(database.ConnectionString, "train", installSchema: true, cancellationToken);
        var ledger = new MartenAuditLedger(ledgerDatabase, TimeProvider.System);
        var audit = new StageAudit(ledger, new WorkerIdentity("orchestrator-worker", "bench"));
        var container = new BlobContainerClient(BenchContext.BlobConnectionString, $"bench-train-{Guid.NewGuid():N}");
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        try
        {
            var store = new BlobArtifactStore(container);
            var (dataset, labels) = await LabelledAsync(store, audit, BenchContext.Scaled(2400));
            var data = await TrainingData.LoadAsync(store, dataset, labels, cancellationToken);
            var spec = TrainingData.Spec(Spec.Architecture, data.Classes.Count);
            var options = new TrainingOptions { Epochs = Spec.Epochs, BatchSize = Spec.BatchSize, LearningRate = Spec.LearningRate, Seed = Spec.Seed };
            BenchContext.Note($"{data.Train.Count} training, {data.Validation.Count} validation images; {spec}");

            double bestPhase = 0, bestEndToEnd = 0, bestBare = 0;
            for (var round = 0; round < 3; round++)
            {
                bestBare = Math.Max(bestBare, BareTrainingLoop.Run(spec, options, data.Train, data.Validation));
                var runId = $"bench-{round}";
                var heartbeats = 0;
                var environment = new ActivityEnvironment
                {
                    Info = ActivityEnvironment.DefaultInfo with { WorkflowId = "bench", WorkflowRunId = runId, ActivityId = "train" },
                    Heartbeater = _ => heartbeats++,
                };
                var watch = Stopwatch.StartNew();
                await environment.RunAsync(() => new TrainActivities(store, audit).TrainAsync(new(runId, dataset, labels, Spec, null)));
                var endToEnd = watch.Elapsed;
                var facts = await ledger.ReadStreamAsync(AuditStreams.Run(runId), cancellationToken: cancellationToken);
                var phase = facts.Single(e => e.Data is TrainingCompleted).RecordedAt - facts.Single(e => e.Data is TrainingStarted).RecordedAt;
                var samples = (double)Spec.Epochs * data.Train.Count;
                bestPhase = Math.Max(bestPhase, samples / phase.TotalSeconds);
                bestEndToEnd = Math.Max(bestEndToEnd, samples / endToEnd.TotalSeconds);
                BenchContext.Note($"round {round}: training phase {phase.TotalSeconds:F1} s, activity {endToEnd.TotalSeconds:F1} s, {heartbeats} heartbeats, {facts.Count} audit entries");
            }

            context.Ratio(bestPhase, bestBare, "samples/s");
            context.Ratio(bestEndToEnd, bestBare, "samples/s", "end-to-end");
            await TorchvisionTrainOverhead.MeasureAsync(context, store, container, ledger, audit, cancellationToken);
        }
        finally
        {
            await container.DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
        }
    }

    /// <summary>A synthetic shapes dataset version with consensus labels, made by the data-stage activities.</summary>
    private static async Task<(DatasetVersion, LabelSet)> LabelledAsync(BlobArtifactStore store, StageAudit audit, int count)
    {
        var source = new DatasetSource("synthetic", null, new Dictionary<string, string> { ["seed"] = "5", ["count"] = $"{count}" }, "CC0-1.0", "none", "P7Y");
        var environment = new ActivityEnvironment { Info = ActivityEnvironment.DefaultInfo with { WorkflowId = "bench", WorkflowRunId = "setup", ActivityId = "acquire" } };
        var dataset = await environment.RunAsync(() => new AcquireActivities(store, audit).AcquireAsync(new("bench-setup", source, "p")));
        var annotation = new AnnotationSource("simulated", null, new Dictionary<string, string> { ["annotators"] = "3", ["accuracy"] = "0.95", ["seed"] = "4" });
        environment = new ActivityEnvironment { Info = environment.Info with { ActivityId = "annotate" } };
        var labels = await environment.RunAsync(() => new AnnotateActivities(store, audit).AnnotateAsync(new("bench-setup", dataset, annotation, 0)));
        return (dataset, labels);
    }
}
