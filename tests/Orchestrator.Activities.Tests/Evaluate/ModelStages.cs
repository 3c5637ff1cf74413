using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Orchestrator.Activities.Acquire;
using Orchestrator.Activities.Annotate;
using Orchestrator.Activities.Common;
using Orchestrator.Activities.Train;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Operations.Models;
using Orchestrator.Operations.Policies;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Policies;
using Orchestrator.Workflows.Train;
using Temporalio.Testing;

namespace Orchestrator.Activities.Tests.Evaluate;

/// <summary>
/// Runs the real stage activities up to an exported model, for the evaluate and export tests, and a policy
/// catalog with test policies derived from the shipped default (only the evaluation section changed).
/// </summary>
internal sealed class ModelStages(BlobArtifactStore store, StageAudit audit, PolicyCatalog catalog)
{
    public BlobArtifactStore Store => store;

    public PolicyCatalog Catalog => catalog;

    /// <summary>A catalog with the shipped documents plus "lenient" (no evaluation thresholds) and "strict-parity" (parity 1e-12) in <paramref name="directory"/>.</summary>
    public static PolicyCatalog TestCatalog(string directory)
    {
        var shipped = new PolicyCatalog(Options.Create(new PolicyCatalogOptions()));
        var template = JsonNode.Parse(shipped.Find(new PolicyRef("default", 1))!.Json)!.AsObject();
        Directory.CreateDirectory(directory);
        Write(directory, template, "lenient", new JsonObject { ["forbidSignificantRegression"] = true, ["significanceLevel"] = 0.05 });
        Write(directory, template, "strict-parity", new JsonObject { ["maxParityError"] = 1e-12 });
        return new PolicyCatalog(Options.Create(new PolicyCatalogOptions { Directory = directory }));
    }

    public string PolicyDigest(string name) => catalog.Find(new PolicyRef(name, 1))!.Digest;

    public async Task<(DatasetVersion Dataset, LabelSet Labels)> LabelledAsync(string runId, int count = 160)
    {
        var source = new DatasetSource("synthetic", null, new Dictionary<string, string> { ["seed"] = "11", ["count"] = $"{count}" }, "CC0-1.0", "none", "P7Y");
        var dataset = await Env($"setup-{runId}", "acquire").RunAsync(() => new AcquireActivities(store, audit).AcquireAsync(new(runId, source, "p")));
        var annotation = new AnnotationSource("simulated", null, new Dictionary<string, string> { ["annotators"] = "3", ["accuracy"] = "0.95", ["seed"] = "4" });
        var labels = await Env($"setup-{runId}", "annotate").RunAsync(() => new AnnotateActivities(store, audit).AnnotateAsync(new(runId, dataset, annotation, 0)));
        return (dataset, labels);
    }

    public Task<TrainedModel> TrainAsync(string runId, DatasetVersion dataset, LabelSet labels, int seed, int epochs = 1) =>
        Env($"train-{runId}", "train").RunAsync(() => new TrainActivities(store, audit)
            .TrainAsync(new(runId, dataset, labels, new TrainingSpec("resnet-tiny", epochs, BatchSize: 16, LearningRate: 0.01, Seed: seed), null)));

    public Task<OnnxModel> ExportAsync(string runId, string modelName, DatasetVersion dataset, TrainedModel trained, string? policyDigest = null, string workflowRunId = "export") =>
        Env($"{workflowRunId}-{runId}", "export").RunAsync(() => new ExportActivities(store, audit, catalog, new ModelOperations(audit.Ledger, TimeProvider.System))
            .ExportAsync(new(runId, trained, modelName, dataset.ManifestDigest, policyDigest)));

    public static ActivityEnvironment Env(string workflowRunId, string activityId, int attempt = 1) => new()
    {
        Info = ActivityEnvironment.DefaultInfo with { WorkflowId = "run-wf", WorkflowRunId = workflowRunId, ActivityId = activityId, Attempt = attempt },
    };

    private static void Write(string directory, JsonObject template, string name, JsonObject evaluation)
    {
        var document = template.DeepClone().AsObject();
        document["name"] = name;
        document["evaluation"] = evaluation;
        File.WriteAllText(Path.Combine(directory, $"{name}.v1.json"), document.ToJsonString());
    }
}
