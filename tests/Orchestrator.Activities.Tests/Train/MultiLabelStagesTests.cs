using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Orchestrator.Activities.Acquire;
using Orchestrator.Activities.Annotate;
using Orchestrator.Activities.Evaluate;
using Orchestrator.Activities.QualityControl;
using Orchestrator.Activities.Tests.Evaluate;
using Orchestrator.Activities.Train;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Contracts;
using Orchestrator.Ml.Data;
using Orchestrator.Ml.Evaluation;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Operations.Evidence;
using Orchestrator.Operations.Models;
using Orchestrator.Operations.Policies;
using Orchestrator.Testing;
using Orchestrator.Testing.Models;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Evaluate;
using Orchestrator.Workflows.Policies;
using Orchestrator.Workflows.Train;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Tests.Train;

/// <summary>
/// A multi-label dataset through the real stage activities (ADR 0042): the manifest's task makes annotation produce label sets,
/// training a sigmoid head with thresholds chosen on the validation split (recorded in the ledger and the ONNX file), and evaluation
/// judge mean average precision; single-label-only policies and recipes are refused or not measured, never passed on nothing.
/// </summary>
public sealed class MultiLabelStagesTests(PostgresDatabase database, BlobContainer container)
    : LedgerTestBase(database), IClassFixture<PostgresDatabase>, IClassFixture<BlobContainer>, IDisposable
{
    private static readonly TrainingSpec Spec = new("resnet-tiny", Epochs: 4, BatchSize: 16, LearningRate: 0.01, Seed: 7);

    private readonly string _runId = Guid.NewGuid().ToString("N");
    private readonly string _model = $"tags-{Guid.NewGuid():N}"[..20];
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("multi-label-stages-");

    private BlobArtifactStore Store => new(container.Client);

    public void Dispose() => _directory.Delete(recursive: true);

    /// <summary>The shipped default policy with <paramref name="evaluation"/> as its evaluation section.</summary>
    private PolicyCatalog Catalog(string name, JsonObject evaluation, JsonObject? quality = null)
    {
        var shipped = new PolicyCatalog(Options.Create(new PolicyCatalogOptions()));
        var document = JsonNode.Parse(shipped.Find(new PolicyRef("default", 1))!.Json)!.AsObject();
        document["name"] = name;
        document["evaluation"] = evaluation;
        if (quality is not null)
        {
            document["quality"] = quality;
        }

        var policies = _directory.CreateSubdirectory("policies");
        File.WriteAllText(Path.Combine(policies.FullName, $"{name}.v1.json"), document.ToJsonString());
        return new PolicyCatalog(Options.Create(new PolicyCatalogOptions { Directory = policies.FullName }));
    }

    private async Task<(DatasetVersion Dataset, LabelSet Labels)> LabelledAsync(int count = 240, string accuracy = "0.95")
    {
        var data = _directory.CreateSubdirectory("data");
        MultiLabelFolder.Write(data.FullName, count, seed: 3);
        var source = new DatasetSource(IAcquireActivities.MultiLabelKind, data.FullName,
            new Dictionary<string, string> { [IAcquireActivities.LabelsParameter] = MultiLabelFolder.LabelFile }, "CC0-1.0", "not-applicable: synthetic", "P1Y");
        var dataset = await ModelStages.Env($"setup-{_runId}", "acquire").RunAsync(() =>
            new AcquireActivities(Store, Audit, roots: new LocalDataRoots([_directory.FullName])).AcquireAsync(new(_runId, source, "p")));
        var annotation = new AnnotationSource("simulated", null, new Dictionary<string, string> { ["annotators"] = "3", ["accuracy"] = accuracy, ["seed"] = "4" });
        var labels = await ModelStages.Env($"setup-{_runId}", "annotate").RunAsync(() => new AnnotateActivities(Store, Audit).AnnotateAsync(new(_runId, dataset, annotation, 0)));
        return (dataset, labels);
    }

    [Fact]
    public async Task Stages_MultiLabelDataset_TrainSigmoidHeadRecordThresholdsAndGateOnMeanAveragePrecision()
    {
        var catalog = Catalog("ml-map", new JsonObject { ["minMeanAveragePrecision"] = 0.6, ["minLabelAveragePrecision"] = 0.4, ["maxParityError"] = 1e-4 });
        var (dataset, labels) = await LabelledAsync();
        dataset.Classes.ShouldBe(MultiLabelFolder.Labels);
        var consensus = LabelJsonLines.ReadConsensusSets(await Store.GetAsync(labels.LabelSetDigest, Token));
        consensus.Count.ShouldBe(240);

        var trained = await ModelStages.Env($"train-{_runId}", "train").RunAsync(() => new TrainActivities(Store, Audit).TrainAsync(new(_runId, dataset, labels, Spec, null)));

        trained.MultiLabel.ShouldBeTrue();
        var thresholds = trained.Thresholds.ShouldNotBeNull();
        thresholds.Select(t => t.Label).ShouldBe(MultiLabelFolder.Labels);
        thresholds.ShouldAllBe(t => t.Threshold >= 0 && t.Threshold <= 1 && t.Basis == "maximised-validation-f1" && t.ValidationF1 > 0);
        var run = (await Ledger.ReadStreamAsync(AuditStreams.Run(_runId), cancellationToken: Token)).Select(e => e.Data).ToList();
        run.OfType<TrainingStarted>().Single().Hyperparameters["task"].ShouldStartWith("multi-label");
        var chosen = run.OfType<DecisionThresholdsChosen>().ShouldHaveSingleItem();
        chosen.CheckpointDigest.ShouldBe(trained.CheckpointDigest);
        chosen.Thresholds.ShouldBe(thresholds.ToDictionary(t => t.Label, t => t.Threshold), ignoreOrder: true);

        var onnx = await ModelStages.Env($"export-{_runId}", "export").RunAsync(() => new ExportActivities(Store, Audit, catalog, new ModelOperations(Ledger, TimeProvider.System))
            .ExportAsync(new(_runId, trained, _model, dataset.ManifestDigest, catalog.Find(new PolicyRef("ml-map", 1))!.Digest)));
        using (var evaluator = new OnnxEvaluator(await Store.GetAsync(onnx.OnnxDigest, Token)))
        {
            evaluator.Task.ShouldBe(TaskKind.MultiLabel);
            evaluator.Thresholds!.Select(t => t.Threshold).ShouldBe(thresholds.Select(t => t.Threshold));
        }

        var input = new IEvaluateActivities.Input(_runId, _model, dataset, labels, onnx, trained, catalog.Find(new PolicyRef("ml-map", 1))!.Digest);
        var evaluation = await ModelStages.Env($"evaluate-{_runId}", "evaluate").RunAsync(() => new EvaluateActivities(Store, Audit, catalog).EvaluateAsync(input));

        evaluation.Gate.Passed.ShouldBeTrue(string.Join("; ", evaluation.Gate.Reasons));
        evaluation.MeanAveragePrecision.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(0.6);
        var bundle = EvidenceBundle.Parse(await Store.GetAsync(evaluation.Gate.EvidenceDigest, Token));
        bundle.Files.Keys.ShouldBe(["model-card.md", "report.json", "report.md", "training-curves.png"]);
        var report = EvidenceReport.FromJson(await Store.GetAsync(bundle.Files["report.json"].Digest, Token));
        report.Metrics.ShouldBeNull();
        report.MultiLabel!.Metrics.MeanAveragePrecision.ShouldBe(evaluation.MeanAveragePrecision!.Value);
        report.MultiLabel.Thresholds.Select(t => t.Threshold).ShouldBe(thresholds.Select(t => t.Threshold));
        report.Gate!.Select(g => g.Check).ShouldContain("mean-average-precision");
        var card = System.Text.Encoding.UTF8.GetString(await Store.GetAsync(bundle.Files["model-card.md"].Digest, Token));
        card.ShouldContain("## Multi-label tagging");
        card.ShouldContain("| task | multi-label");
        var evaluated = (await Ledger.ReadStreamAsync(AuditStreams.Model(_model), cancellationToken: Token)).Select(e => e.Data).OfType<ModelEvaluated>().ShouldHaveSingleItem();
        evaluated.Metrics["mean-average-precision"].ShouldBe(evaluation.MeanAveragePrecision!.Value, 1e-12);
        evaluated.Metrics.Keys.ShouldNotContain("accuracy");
        evaluated.PerClass["circle"]["threshold"].ShouldBe(thresholds[0].Threshold);

        // The same evidence under a policy written for single-label models: nothing it asks for is measured, so it cannot pass.
        var single = EvaluationGate.Evaluate(EvaluationFacts.Evidence(report, null), new EvaluationPolicy(MinAccuracy: 0.5, MaxCalibrationError: 0.2, MaxParityError: 1e-4));
        single.Passed.ShouldBeFalse();
        single.Findings.Where(f => f.Outcome == CheckOutcome.NotMeasured).Select(f => f.Check).ShouldBe(["accuracy", "multi-label-ranking", "calibration"], ignoreOrder: true);
    }

    [Theory]
    [InlineData("0.97", true)]
    [InlineData("0.7", false)]
    public async Task QualityControl_MultiLabelAnnotations_MeasuresAgreementPerLabelAndJudgesIt(string accuracy, bool passes)
    {
        var quality = new JsonObject
        {
            ["minItems"] = 100, ["minKrippendorffAlpha"] = 0.667, ["minLabelAlpha"] = 0.667, ["maxDisagreementFraction"] = 0.5,
            ["minGoldAuditReviewed"] = 30, ["minGoldAuditLowerBound"] = 0.5, ["minClassCount"] = 20, ["maxLeakingItems"] = 0,
        };
        var catalog = Catalog("ml-qc", new JsonObject { ["minMeanAveragePrecision"] = 0.5 }, quality);
        var (dataset, labels) = await LabelledAsync(count: 160, accuracy);

        var gate = await ModelStages.Env($"qc-{_runId}", "qc").RunAsync(() => new QualityControlActivities(Store, Audit, catalog)
            .EvaluateAsync(new(_runId, dataset, labels, catalog.Find(new PolicyRef("ml-qc", 1))!.Digest)));

        gate.Passed.ShouldBe(passes, string.Join("; ", gate.Reasons));
        var document = QcEvidenceJson.Read(await Store.GetAsync(gate.EvidenceDigest, Token))!;
        var evidence = document.Evidence;
        evidence.MultiLabel.ShouldBeTrue();
        evidence.LabelAlpha!.Keys.ShouldBe(MultiLabelFolder.Labels, ignoreOrder: true);
        evidence.KrippendorffAlpha.ShouldBe(evidence.LabelAlpha.Values.Average(), 1e-12);
        evidence.ClassCounts.Keys.ShouldBe(MultiLabelFolder.Labels, ignoreOrder: true);
        evidence.GoldAudit.ShouldNotBeNull().Simulated.ShouldBeTrue();
        document.Checks.Count(c => c.Check == "label-agreement").ShouldBe(3);
        if (!passes)
        {
            gate.Reasons.ShouldContain(r => r.Contains("Krippendorff's alpha on label"));
        }

        var recorded = (await Ledger.ReadStreamAsync(AuditStreams.Run(_runId), cancellationToken: Token)).Select(e => e.Data).OfType<QualityEvaluated>().ShouldHaveSingleItem();
        recorded.Agreement.Keys.Where(k => k.StartsWith("label-alpha:", StringComparison.Ordinal)).Count().ShouldBe(3);
    }

    [Fact]
    public async Task QualityControl_ImportedLabelSetAnnotations_MeasureAgreementOfThoseAnnotators()
    {
        var data = _directory.CreateSubdirectory("data");
        var truth = MultiLabelFolder.Write(data.FullName, 60, seed: 5);
        var source = new DatasetSource(IAcquireActivities.MultiLabelKind, data.FullName,
            new Dictionary<string, string> { [IAcquireActivities.LabelsParameter] = MultiLabelFolder.LabelFile }, "CC0-1.0", "not-applicable: synthetic", "P1Y");
        var dataset = await ModelStages.Env($"setup-{_runId}", "acquire").RunAsync(() =>
            new AcquireActivities(Store, Audit, roots: new LocalDataRoots([_directory.FullName])).AcquireAsync(new(_runId, source, "p")));
        // Two annotators: "ann" gives every true set; "bob" agrees except that he never tags a cross.
        var csv = new System.Text.StringBuilder("item_id,annotator,labels\n");
        foreach (var (item, shown) in truth)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{item},ann,{string.Join('|', shown)}\n");
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{item},bob,{string.Join('|', shown.Where(l => l != "cross"))}\n");
        }

        var file = Path.Combine(_directory.FullName, "annotations.csv");
        await File.WriteAllTextAsync(file, csv.ToString(), Token);
        var annotation = new AnnotationSource("csv", file, new Dictionary<string, string>());
        var labels = await ModelStages.Env($"setup-{_runId}", "annotate").RunAsync(() =>
            new AnnotateActivities(Store, Audit, new LocalDataRoots([_directory.FullName])).AnnotateAsync(new(_runId, dataset, annotation, 0)));
        labels.Annotators.ShouldBe(["ann", "bob"]);
        var catalog = Catalog("ml-qc-import", new JsonObject { ["minMeanAveragePrecision"] = 0.5 }, new JsonObject { ["minLabelAlpha"] = 0.667 });

        var gate = await ModelStages.Env($"qc-{_runId}", "qc").RunAsync(() => new QualityControlActivities(Store, Audit, catalog)
            .EvaluateAsync(new(_runId, dataset, labels, catalog.Find(new PolicyRef("ml-qc-import", 1))!.Digest)));

        var evidence = QcEvidenceJson.Read(await Store.GetAsync(gate.EvidenceDigest, Token))!.Evidence;
        evidence.LabelAlpha!["circle"].ShouldBe(1, 1e-12);
        evidence.LabelAlpha["square"].ShouldBe(1, 1e-12);
        evidence.LabelAlpha["cross"].ShouldBeLessThan(0);
        gate.Passed.ShouldBeFalse();
        gate.Reasons.ShouldHaveSingleItem().ShouldContain("label 'cross'");
    }

    [Fact]
    public async Task Train_MultiLabelDatasetWithClassWeights_FailsNonRetryableBeforeTraining()
    {
        var (dataset, labels) = await LabelledAsync(count: 40);
        var spec = Spec with { Imbalance = new ImbalanceSpec(ImbalanceSpec.ClassWeights) };

        var failure = await Should.ThrowAsync<ApplicationFailureException>(() =>
            ModelStages.Env($"train-{_runId}", "train").RunAsync(() => new TrainActivities(Store, Audit).TrainAsync(new(_runId, dataset, labels, spec, null))));

        failure.NonRetryable.ShouldBeTrue();
        failure.Message.ShouldContain("is multi-label");
        failure.Message.ShouldContain("a multi-label run takes none of them");
        (await Ledger.ReadStreamAsync(AuditStreams.Run(_runId), cancellationToken: Token)).Select(e => e.Data).OfType<TrainingStarted>().ShouldBeEmpty();
    }
}
