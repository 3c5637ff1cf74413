using System.Text.Json;
using Orchestrator.Activities.Acquire;
using Orchestrator.Activities.Annotate;
using Orchestrator.Activities.QualityControl;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Contracts;
using Orchestrator.Ml.Data;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Testing;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.QualityControl;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Tests.QualityControl;

/// <summary>The human gold audit's request against real blobs and the real ledger (ADR 0039).</summary>
public sealed class GoldAuditActivitiesTests(PostgresDatabase database, BlobContainer container)
    : LedgerTestBase(database), IClassFixture<PostgresDatabase>, IClassFixture<BlobContainer>
{
    private static readonly DateTimeOffset Deadline = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private readonly string _runId = Guid.NewGuid().ToString("N");

    private BlobArtifactStore Store => new(container.Client);

    private GoldAuditActivities Activities => new(Store, Audit);

    /// <summary>A 240-image synthetic dataset labelled by three simulated annotators.</summary>
    private async Task<(DatasetVersion Dataset, LabelSet Labels)> LabelledAsync()
    {
        var source = new DatasetSource("synthetic", null, new Dictionary<string, string> { ["seed"] = "21", ["count"] = "240" }, "CC0-1.0", "none", "P7Y");
        var dataset = await Activity($"setup-{_runId}", "acquire").RunAsync(() => new AcquireActivities(Store, Audit).AcquireAsync(new($"setup-{_runId}", source, "p")));
        var annotation = new AnnotationSource("simulated", null, new Dictionary<string, string> { ["annotators"] = "3", ["accuracy"] = "0.9", ["seed"] = "4" });
        var labels = await Activity($"setup-{_runId}", "annotate").RunAsync(() => new AnnotateActivities(Store, Audit).AnnotateAsync(new($"setup-{_runId}", dataset, annotation, 0)));
        return (dataset, labels);
    }

    [Fact]
    public async Task Request_Retried_RecordsTheQcSampleWithImageDigestsOnceAndNoLabels()
    {
        var (dataset, labels) = await LabelledAsync();
        var input = new IGoldAuditActivities.RequestInput(_runId, dataset, labels, Deadline);

        var first = await Activity("temporal-run-1", "3", attempt: 1).RunAsync(() => Activities.RequestAsync(input));
        var second = await Activity("temporal-run-1", "3", attempt: 2).RunAsync(() => Activities.RequestAsync(input));

        var manifest = ManifestJson.Parse(await Store.GetAsync(dataset.ManifestDigest, Token));
        var consensus = LabelJsonLines.ReadConsensus(await Store.GetAsync(labels.LabelSetDigest, Token));
        var annotators = LabelJsonLines.ReadAnnotations(await Store.GetAsync(labels.AnnotationsDigest!, Token)).Select(a => a.Annotator).Distinct().Order(StringComparer.Ordinal).ToList();
        var qcSample = QcMeasurement.AuditSample(manifest, consensus, labels.LabelSetDigest);
        first.Items.ShouldBe(qcSample);
        first.Items.Count.ShouldBe(QcMeasurement.GoldAuditSampleSize);
        first.LabelSetDigest.ShouldBe(labels.LabelSetDigest);
        first.Classes.ShouldBe(manifest.Classes);
        first.Annotators.ShouldBe(annotators);
        first.Annotators.Count.ShouldBe(3);
        first.Deadline.ShouldBe(Deadline);
        second.Items.ShouldBe(first.Items);

        var entry = (await Ledger.ReadStreamAsync(AuditStreams.Run(_runId), cancellationToken: Token)).ShouldHaveSingleItem();
        var requested = entry.Data.ShouldBeOfType<GoldAuditRequested>();
        requested.LabelSetDigest.ShouldBe(labels.LabelSetDigest);
        requested.Items.Select(i => i.ItemId).ShouldBe(qcSample);
        var images = manifest.Items.ToDictionary(i => i.ItemId, i => i.ContentDigest, StringComparer.Ordinal);
        requested.Items.ShouldAllBe(i => i.ImageDigest == images[i.ItemId]);
        requested.Classes.ShouldBe(manifest.Classes);
        requested.Annotators.ShouldBe(annotators);
        requested.Deadline.ShouldBe(Deadline);
        entry.Context.Evidence.ShouldHaveSingleItem().Sha256.ShouldBe(Digest.Parse(labels.LabelSetDigest).Hex);
        // The reviewer labels blind: neither the consensus nor the source label of any item is in the recorded items.
        var recordedItems = JsonSerializer.Serialize(requested.Items);
        foreach (var label in manifest.Classes)
        {
            recordedItems.ShouldNotContain(label, Case.Insensitive);
        }
    }

    [Fact]
    public async Task Request_LabelSetWithoutAnnotations_FailsNonRetryableWithoutRecording()
    {
        var (dataset, labels) = await LabelledAsync();

        var failure = await Should.ThrowAsync<ApplicationFailureException>(() =>
            Activity("r", "3").RunAsync(() => Activities.RequestAsync(new(_runId, dataset, labels with { AnnotationsDigest = null }, Deadline))));

        failure.ErrorType.ShouldBe("InvalidInput");
        failure.NonRetryable.ShouldBeTrue();
        (await Ledger.ReadStreamAsync(AuditStreams.Run(_runId), cancellationToken: Token)).ShouldBeEmpty();
    }
}
