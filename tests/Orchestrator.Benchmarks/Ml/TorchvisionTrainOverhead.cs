using System.Diagnostics;
using Azure.Storage.Blobs;
using Orchestrator.Activities.Acquire;
using Orchestrator.Activities.Annotate;
using Orchestrator.Activities.Common;
using Orchestrator.Activities.Train;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Training;
using Orchestrator.Ml.Weights;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Operations.BaseModels;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Policies;
using Orchestrator.Workflows.Train;
using Temporalio.Testing;

namespace Orchestrator.Benchmarks.Ml;

/// <summary>
/// <see cref="TrainOverheadBenchmark"/>'s "/resnet18" line: the Train activity fine-tuning a torchvision-layout ResNet-18 registered
/// as a base model, on generated 224-pixel images (ImageNet preprocessing: shorter side 256, centre crop 224), against
/// <see cref="BareTrainingLoop"/> from the same imported weights with the same head, images and optimiser. The shared torchvision
/// fixture (tests/fixtures/torchvision/tv-resnet-basic-1111) is ResNet-18's BasicBlock layout with one block per stage, not a
/// ResNet-18, and the activity trains only catalogue networks: the registered weights are a ResNet-18 whose stem, first block of
/// every stage and head are the fixture's tensors, and whose second blocks are seeded (no ResNet-18 checkpoint exists here).
/// </summary>
internal static class TorchvisionTrainOverhead
{
    private static readonly TrainingSpec Spec = new("resnet18", Epochs: 2, BatchSize: 16, LearningRate: 1e-3, Seed: 7);

    public static async Task MeasureAsync(BenchContext context, BlobArtifactStore store, BlobContainerClient container, IAuditLedger ledger, StageAudit audit,
        CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("bench-resnet18-").FullName;
        try
        {
            var (weights, grafted) = WriteResNet18FromFixture(directory);
            var registry = new BaseModelRegistry(ledger, store, container, [directory]);
            var (_, record, _) = await registry.RegisterAsync(new BaseModelRequest("bench-resnet18", Spec.Architecture, weights, "tests/fixtures/torchvision/tv-resnet-basic-1111 grafted onto resnet18",
                "none (random weights)", null), Actor.Service("orchestrator-bench", "bench"), "bench", cancellationToken);
            var baseModel = new BaseModelRef(record.Registration.Name, record.Registration.WeightsDigest);
            var (dataset, labels) = await LabelledAsync(store, audit, BenchContext.Scaled(64), cancellationToken);
            var data = await TrainingData.LoadAsync(store, dataset, labels, cancellationToken);
            var options = TrainingRecipe.Options(Spec);
            var spec = ModelCatalog.Spec(Spec.Architecture, data.Classes.Count);
            BenchContext.Note($"resnet18: {grafted} of its tensors from the fixture; {data.Train.Count} training, {data.Validation.Count} validation images of "
                + $"{data.Train[0].Width}x{data.Train[0].Height}; {Spec.Epochs} epochs, batch {Spec.BatchSize}");

            double bestActivity = 0, bestBare = 0;
            for (var round = 0; round < 2; round++)
            {
                bestBare = Math.Max(bestBare, BareTrainingLoop.Run(
                    () => BaseModelImporter.Import(weights, spec, new ImportOptions { HeadSeed = Spec.Seed }).CreateModel(), Preprocessing.TorchvisionImageNet(spec.InputSize),
                    options, data.Train, data.Validation));
                var runId = $"bench-resnet18-{round}";
                var environment = new ActivityEnvironment
                {
                    Info = ActivityEnvironment.DefaultInfo with { WorkflowId = "bench-resnet18", WorkflowRunId = runId, ActivityId = "train" },
                };
                await environment.RunAsync(() => new TrainActivities(store, audit).TrainAsync(new(runId, dataset, labels, Spec, null, BaseModel: baseModel)));
                var facts = await ledger.ReadStreamAsync(AuditStreams.Run(runId), cancellationToken: cancellationToken);
                var phase = facts.Single(e => e.Data is TrainingCompleted).RecordedAt - facts.Single(e => e.Data is TrainingStarted).RecordedAt;
                var images = (double)Spec.Epochs * data.Train.Count;
                bestActivity = Math.Max(bestActivity, images / phase.TotalSeconds);
                BenchContext.Note($"resnet18 round {round}: training phase {phase.TotalSeconds:F1} s ({images / phase.TotalSeconds:F2} images/s), bare best {bestBare:F2} images/s");
            }

            context.Ratio(bestActivity, bestBare, "images/s", "resnet18");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    // resnet18's state dict with every tensor the fixture has under the same key and shape taken from it (read by the importer, as
    // a registration reads it), the rest seeded; written as float32 safetensors.
    private static (string Path, int Grafted) WriteResNet18FromFixture(string directory)
    {
        var fixture = BaseModelImporter.Import(TrainTorchvisionBenchmark.FixturePath(),
            new ModelSpec(Architecture.TorchvisionResNet, 5) { ResNet = new(ResidualBlockKind.Basic, 1, 1, 1, 1) });
        using var source = fixture.CreateModel();
        var sourceState = source.state_dict();
        using var network = SeededInitialisation.Create(17, () => ImageClassifier.Create(ModelCatalog.Spec("resnet18", 5)));
        var grafted = 0;
        var tensors = network.state_dict().Select(p =>
        {
            var fromFixture = sourceState.TryGetValue(p.Key, out var s) && s.shape.SequenceEqual(p.Value.shape);
            grafted += fromFixture ? 1 : 0;
            using var contiguous = (fromFixture ? s! : p.Value).contiguous();
            return new WeightTensor(p.Key, WeightTensor.FromScalarType(contiguous.dtype, p.Key), contiguous.shape, contiguous.bytes.ToArray());
        }).ToList();
        var path = Path.Combine(directory, "resnet18-from-fixture.safetensors");
        File.WriteAllBytes(path, Safetensors.Write(tensors));
        return (path, grafted);
    }

    /// <summary>A synthetic shapes dataset version of 224-pixel images with consensus labels, made by the data-stage activities.</summary>
    private static async Task<(DatasetVersion, LabelSet)> LabelledAsync(BlobArtifactStore store, StageAudit audit, int count, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, string> { ["seed"] = "5", ["count"] = $"{count}", ["image-size"] = "224" };
        var source = new DatasetSource("synthetic", null, parameters, "CC0-1.0", "none", "P7Y");
        var environment = new ActivityEnvironment { Info = ActivityEnvironment.DefaultInfo with { WorkflowId = "bench-resnet18", WorkflowRunId = "setup", ActivityId = "acquire" } };
        var dataset = await environment.RunAsync(() => new AcquireActivities(store, audit).AcquireAsync(new("bench-resnet18-setup", source, "p")));
        var annotation = new AnnotationSource("simulated", null, new Dictionary<string, string> { ["annotators"] = "3", ["accuracy"] = "0.95", ["seed"] = "4" });
        environment = new ActivityEnvironment { Info = environment.Info with { ActivityId = "annotate" } };
        var labels = await environment.RunAsync(() => new AnnotateActivities(store, audit).AnnotateAsync(new("bench-resnet18-setup", dataset, annotation, 0)));
        cancellationToken.ThrowIfCancellationRequested();
        return (dataset, labels);
    }
}
