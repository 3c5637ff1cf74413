using System.Text.Json;
using Microsoft.Extensions.Options;
using Orchestrator.Activities.Acquire;
using Orchestrator.Activities.Annotate;
using Orchestrator.Activities.QualityControl;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Contracts;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Operations.Policies;
using Orchestrator.Testing;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Policies;
using Orchestrator.Workflows.QualityControl;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Tests.QualityControl;

public sealed class QualityControlActivitiesTests(PostgresDatabase database, BlobContainer container)
    : LedgerTestBase(database), IClassFixture<PostgresDatabase>, IClassFixture<BlobContainer>
{
    private static readonly PolicyCatalog Catalog = new(Options.Create(new PolicyCatalogOptions()));
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly string _runId = Guid.NewGuid().ToString("N");

    private static PolicyDocument DefaultPolicy => Catalog.Find(new PolicyRef("default", 1))!;

    private BlobArtifactStore Store => new(container.Client);

    private QualityControlActivities Activities => new(Store, Audit, Catalog);

    /// <summary>A 240-image synthetic dataset labelled by three simulated annotators of the given accuracy.</summary>
    private async Task<(DatasetVersion Dataset, LabelSet Labels)> LabelledAsync(string accuracy)
    {
        var source = new DatasetSource("synthetic", null, new Dictionary<string, string> { ["seed"] = "21", ["count"] = "240" }, "CC0-1.0", "none", "P7Y");
        var dataset = await Activity($"setup-{_runId}", "acquire").RunAsync(() => new AcquireActivities(Store, Audit).AcquireAsync(new($"setup-{_runId}", source, "p")));
        var annotation = new AnnotationSource("simulated", null, new Dictionary<string, string> { ["annotators"] = "3", ["accuracy"] = accuracy, ["seed"] = "4" });
        var labels = await Activity($"setup-{_runId}", "annotate").RunAsync(() => new AnnotateActivities(Store, Audit).AnnotateAsync(new($"setup-{_runId}", dataset, annotation, 0)));
        return (dataset, labels);
    }

    [Fact]
    public async Task Evaluate_ReliableLabelsRetried_PassesStoresEvidenceAndRecordsOnce()
    {
        var (dataset, labels) = await LabelledAsync("0.95");
        var input = new IQualityControlActivities.Input(_runId, dataset, labels, DefaultPolicy.Digest);

        var first = await Activity("temporal-run-1", "4", attempt: 1).RunAsync(() => Activities.EvaluateAsync(input));
        var second = await Activity("temporal-run-1", "4", attempt: 2).RunAsync(() => Activities.EvaluateAsync(input));

        first.Reasons.ShouldBeEmpty();
        first.Passed.ShouldBeTrue();
        second.EvidenceDigest.ShouldBe(first.EvidenceDigest);
        var document = JsonSerializer.Deserialize<QcEvidenceDocument>(await Store.GetAsync(first.EvidenceDigest, Token), Json)!;
        var evidence = document.Evidence;
        document.Passed.ShouldBeTrue();
        document.Checks.ShouldAllBe(c => c.Outcome == CheckOutcome.Passed);
        evidence.ConsensusConverged.ShouldBe(true);
        evidence.ConsensusIterations.ShouldNotBeNull().ShouldBeGreaterThan(0);
        evidence.ItemCount.ShouldBe(240);
        evidence.ClassCounts.Values.Sum().ShouldBe(240);
        evidence.GoldAudit.ShouldNotBeNull().Reviewed.ShouldBe(QcMeasurement.GoldAuditSampleSize);
        QualityGate.Evaluate(evidence, Catalog.Section<QcPolicy>(DefaultPolicy.Digest, "quality")!).Passed.ShouldBeTrue();

        var entry = (await Ledger.ReadStreamAsync(AuditStreams.Run(_runId), cancellationToken: Token)).ShouldHaveSingleItem();
        var evaluated = entry.Data.ShouldBeOfType<QualityEvaluated>();
        evaluated.Verdict.ShouldBe(GateVerdict.Passed);
        evaluated.PolicyVersion.ShouldBe("default/v1");
        evaluated.AuditedItems.ShouldBe(QcMeasurement.GoldAuditSampleSize);
        evaluated.Agreement["krippendorff-alpha"].ShouldBe(evidence.KrippendorffAlpha, 1e-12);
        entry.Context.Evidence[0].Sha256.ShouldBe(Digest.Parse(first.EvidenceDigest).Hex);
    }

    [Fact]
    public async Task Evaluate_UnreliableLabels_FailsWithLabelReasons()
    {
        var (dataset, labels) = await LabelledAsync("0.5");

        var outcome = await Activity("r", "4").RunAsync(() => Activities.EvaluateAsync(new(_runId, dataset, labels, DefaultPolicy.Digest)));

        outcome.Passed.ShouldBeFalse();
        outcome.Reasons.ShouldContain(r => r.Contains("Krippendorff's alpha", StringComparison.Ordinal));
        var evaluated = (await Ledger.ReadStreamAsync(AuditStreams.Run(_runId), cancellationToken: Token)).ShouldHaveSingleItem().Data.ShouldBeOfType<QualityEvaluated>();
        evaluated.Verdict.ShouldBe(GateVerdict.Failed);
        evaluated.Reasons.ShouldBe(outcome.Reasons);
    }

    [Fact]
    public async Task Evaluate_UnknownPolicyOrMissingAnnotations_FailsNonRetryableWithoutRecording()
    {
        var (dataset, labels) = await LabelledAsync("0.9");

        var unknownPolicy = await Should.ThrowAsync<ApplicationFailureException>(() =>
            Activity("r", "4").RunAsync(() => Activities.EvaluateAsync(new(_runId, dataset, labels, Digest.FromHex(new string('0', 64)).ToString()))));
        var noAnnotations = await Should.ThrowAsync<ApplicationFailureException>(() =>
            Activity("r", "4").RunAsync(() => Activities.EvaluateAsync(new(_runId, dataset, labels with { AnnotationsDigest = null }, DefaultPolicy.Digest))));

        unknownPolicy.ErrorType.ShouldBe("InvalidInput");
        unknownPolicy.NonRetryable.ShouldBeTrue();
        noAnnotations.ErrorType.ShouldBe("InvalidInput");
        (await Ledger.ReadStreamAsync(AuditStreams.Run(_runId), cancellationToken: Token)).ShouldBeEmpty();
    }
}
