using Orchestrator.Activities.Evaluate;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Contracts;
using Orchestrator.Ml.Evaluation;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Operations.Evidence;
using Orchestrator.Operations.Models;
using Orchestrator.Testing;
using Orchestrator.Workflows.Evaluate;
using Orchestrator.Workflows.Train;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Tests.Evaluate;

public sealed class EvaluateActivitiesTests(PostgresDatabase database, BlobContainer container)
    : LedgerTestBase(database), IClassFixture<PostgresDatabase>, IClassFixture<BlobContainer>, IDisposable
{
    private readonly string _policies = Path.Combine(Path.GetTempPath(), $"evaluate-policies-{Guid.NewGuid():N}");
    private readonly string _runId = Guid.NewGuid().ToString("N");
    private readonly string _model = $"shapes-{Guid.NewGuid():N}"[..20];
    private ModelStages? _stages;

    private ModelStages Stages => _stages ??= new ModelStages(new BlobArtifactStore(container.Client), Audit, ModelStages.TestCatalog(_policies));

    private EvaluateActivities Activities => new(Stages.Store, Audit, Stages.Catalog);

    public void Dispose()
    {
        if (Directory.Exists(_policies))
        {
            Directory.Delete(_policies, recursive: true);
        }
    }

    private async Task<IEvaluateActivities.Input> ExportedAsync(string runId, int seed, string policy)
    {
        var (dataset, labels) = await Stages.LabelledAsync(runId);
        var trained = await Stages.TrainAsync(runId, dataset, labels, seed);
        var onnx = await Stages.ExportAsync(runId, _model, dataset, trained);
        return new IEvaluateActivities.Input(runId, _model, dataset, labels, onnx, trained, Stages.PolicyDigest(policy));
    }

    private async Task<IReadOnlyList<ModelEvaluated>> EvaluatedAsync() =>
        [.. (await Ledger.ReadStreamAsync(AuditStreams.Model(_model), cancellationToken: Token)).Select(e => e.Data).OfType<ModelEvaluated>()];

    [Fact]
    public async Task Evaluate_LenientPolicyInvokedTwice_PassesStoresReportAndRecordsOnce()
    {
        var input = await ExportedAsync(_runId, seed: 3, "lenient");

        var first = await ModelStages.Env("temporal-run-1", "9", attempt: 1).RunAsync(() => Activities.EvaluateAsync(input));
        var second = await ModelStages.Env("temporal-run-1", "9", attempt: 2).RunAsync(() => Activities.EvaluateAsync(input));

        first.Gate.Passed.ShouldBeTrue();
        first.Gate.Reasons.ShouldBeEmpty();
        second.Gate.EvidenceDigest.ShouldBe(first.Gate.EvidenceDigest);
        var bundle = EvidenceBundle.Parse(await Stages.Store.GetAsync(first.Gate.EvidenceDigest, Token));
        bundle.Version.ShouldBe(input.Model.Version!.Value);
        bundle.Files.Keys.ShouldBe(["confusion-matrix.png", "model-card.md", "reliability.png", "report.json", "report.md", "training-curves.png"]);
        var report = EvidenceReport.FromJson(await Stages.Store.GetAsync(bundle.Files["report.json"].Digest, Token));
        report.Metrics!.Accuracy.ShouldBe(first.Accuracy);
        report.Metrics.MacroF1.ShouldBe(first.MacroF1);
        report.Metrics.Count.ShouldBeGreaterThan(0);
        report.Robustness.Select(r => r.Perturbation).ShouldBe(["brightness-0.5", "brightness-1.5", "blur-1", "noise-20"]);
        report.TrainingHistory.Count.ShouldBe(1);
        report.Champion.ShouldBeNull();
        report.ModelDigest.ShouldBe(input.Model.OnnxDigest);

        var evaluated = (await EvaluatedAsync()).ShouldHaveSingleItem();
        evaluated.Version.ShouldBe(input.Model.Version!.Value);
        evaluated.Verdict.ShouldBe(GateVerdict.Passed);
        evaluated.PolicyVersion.ShouldBe("lenient/v1");
        evaluated.Metrics["accuracy"].ShouldBe(first.Accuracy);
        evaluated.PerClass.Keys.ShouldBe(report.ClassNames, ignoreOrder: true);
        evaluated.Champion.ShouldBeNull();
        var entry = (await Ledger.ReadStreamAsync(AuditStreams.Model(_model), cancellationToken: Token)).Single(e => e.Data is ModelEvaluated);
        entry.Context.Evidence.ShouldContain(e => Digest.FromHex(e.Sha256).ToString() == first.Gate.EvidenceDigest);
    }

    [Fact]
    public async Task Evaluate_DefaultPolicyBarelyTrainedModel_FailsWithReasonsAndRecordsFailedVerdict()
    {
        var input = await ExportedAsync(_runId, seed: 5, "default");

        var evaluation = await ModelStages.Env("temporal-run-1", "9").RunAsync(() => Activities.EvaluateAsync(input));

        evaluation.Gate.Passed.ShouldBeFalse();
        evaluation.Gate.Reasons.ShouldNotBeEmpty();
        evaluation.Gate.Reasons.ShouldContain(r => r.StartsWith("accuracy", StringComparison.Ordinal));
        (await EvaluatedAsync()).ShouldHaveSingleItem().Verdict.ShouldBe(GateVerdict.Failed);
    }

    [Fact]
    public async Task Evaluate_ProductionChampionExists_ComparesWithMcNemarOnSameSplit()
    {
        var championInput = await ExportedAsync($"{_runId}-a", seed: 3, "lenient");
        var championVersion = championInput.Model.Version!.Value;
        await Ledger.AppendAsync(AuditStreams.Model(_model), new ModelDeployed(championVersion, ModelState.ProductionAlias, 1.0),
            new AuditContext(Actor.Service("orchestrator-worker", "deploy-test"), new Correlation("run-wf", championInput.RunId), null, []), "deployed", Token);
        var input = await ExportedAsync($"{_runId}-b", seed: 8, "lenient");

        var evaluation = await ModelStages.Env("temporal-run-2", "9").RunAsync(() => Activities.EvaluateAsync(input));

        input.Model.Version.ShouldBe(championVersion + 1);
        var bundle = EvidenceBundle.Parse(await Stages.Store.GetAsync(evaluation.Gate.EvidenceDigest, Token));
        var report = EvidenceReport.FromJson(await Stages.Store.GetAsync(bundle.Files["report.json"].Digest, Token));
        report.ChampionVersion.ShouldBe($"v{championVersion}");
        var champion = report.Champion.ShouldNotBeNull();
        champion.ChallengerAccuracy.ShouldBe(evaluation.Accuracy);
        (champion.BothCorrect + champion.OnlyChampionCorrect + champion.OnlyChallengerCorrect + champion.BothWrong).ShouldBe(report.Metrics!.Count);
        champion.PValue.ShouldBeInRange(0, 1);
        var evaluated = (await EvaluatedAsync()).ShouldHaveSingleItem();
        evaluated.Version.ShouldBe(championVersion + 1);
        evaluated.Champion.ShouldBe(new Audit.Events.Models.ChampionComparison(championVersion, "accuracy", champion.ChampionAccuracy, champion.ChallengerAccuracy));
        evaluated.Metrics["champion-mcnemar-p"].ShouldBe(champion.PValue);
        // "lenient" has no thresholds but forbids a significant regression: the gate's decision is exactly that.
        evaluation.Gate.Passed.ShouldBe(!(champion.PValue < 0.05 && champion.ChallengerAccuracy < champion.ChampionAccuracy));
    }

    [Fact]
    public async Task Evaluate_ModelNotExportedForRun_FailsNonRetryable()
    {
        var input = await ExportedAsync(_runId, seed: 3, "lenient");
        var stranger = input with { RunId = "another-run" };

        var failure = await Should.ThrowAsync<ApplicationFailureException>(() => ModelStages.Env("temporal-run-1", "9").RunAsync(() => Activities.EvaluateAsync(stranger)));

        failure.NonRetryable.ShouldBeTrue();
        failure.Message.ShouldContain("not an exported version");
        (await EvaluatedAsync()).ShouldBeEmpty();
    }
}
