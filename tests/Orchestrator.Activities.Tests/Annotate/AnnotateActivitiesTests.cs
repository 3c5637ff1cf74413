using System.Text;
using System.Text.Json;
using Orchestrator.Activities.Acquire;
using Orchestrator.Activities.Annotate;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Ml.Data;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Testing;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Tests.Annotate;

public sealed class AnnotateActivitiesTests(PostgresDatabase database, BlobContainer container)
    : LedgerTestBase(database), IClassFixture<PostgresDatabase>, IClassFixture<BlobContainer>
{
    private readonly string _runId = Guid.NewGuid().ToString("N");

    private static readonly LocalDataRoots TempRoots = new([Path.GetTempPath()]);

    private BlobArtifactStore Store => new(container.Client);

    private async Task<DatasetVersion> DatasetAsync(int count)
    {
        var source = new DatasetSource("synthetic", null, new Dictionary<string, string> { ["seed"] = "11", ["count"] = $"{count}", ["image-size"] = "16" },
            "CC0-1.0", "not-applicable: synthetic", "P7Y");
        return await Activity($"setup-{count}-{_runId}", "acquire").RunAsync(() => new AcquireActivities(Store, Audit).AcquireAsync(new($"setup-{_runId}", source, "p")));
    }

    private static AnnotationSource Simulated(params (string Key, string Value)[] parameters) =>
        new("simulated", null, parameters.ToDictionary(p => p.Key, p => p.Value));

    [Fact]
    public async Task Annotate_PerfectAnnotatorsRetried_StoresConsensusAsJsonLinesAndRecordsOnce()
    {
        var dataset = await DatasetAsync(20);
        var activities = new AnnotateActivities(Store, Audit);
        var input = new IAnnotateActivities.Input(_runId, dataset, Simulated(("annotators", "3"), ("accuracy", "1"), ("seed", "5")), 0);

        var first = await Activity("temporal-run-1", "3", attempt: 1).RunAsync(() => activities.AnnotateAsync(input));
        var second = await Activity("temporal-run-1", "3", attempt: 2).RunAsync(() => activities.AnnotateAsync(input));

        second.LabelSetDigest.ShouldBe(first.LabelSetDigest);
        first.Annotators.ShouldBe(["sim-1", "sim-2", "sim-3"]);
        first.AnnotationCount.ShouldBe(60);
        first.DisagreementCount.ShouldBe(0);
        var manifest = ManifestJson.Parse(await Store.GetAsync(dataset.ManifestDigest, Token));
        var lines = Encoding.UTF8.GetString(await Store.GetAsync(first.LabelSetDigest, Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var consensus = lines.Select(l => JsonSerializer.Deserialize<Dictionary<string, string>>(l)!).ToList();
        consensus.ShouldAllBe(row => row.Count == 2);
        consensus.ToDictionary(r => r["itemId"], r => r["label"]).ShouldBe(manifest.Items.ToDictionary(i => i.ItemId, i => i.Label), ignoreOrder: true);
        LabelJsonLines.ReadAnnotations(await Store.GetAsync(first.AnnotationsDigest!, Token)).Count.ShouldBe(60);

        var entry = (await Ledger.ReadStreamAsync(AuditStreams.Run(_runId), cancellationToken: Token)).ShouldHaveSingleItem();
        entry.Data.ShouldBeOfType<AnnotationsImported>().LabelSetDigest.ShouldBe(first.LabelSetDigest);
        entry.Context.Evidence.Select(e => e.Name).ShouldBe(["label-set", "annotations"]);
    }

    [Fact]
    public async Task Annotate_UnreliableAnnotators_FlagsDisagreements()
    {
        var dataset = await DatasetAsync(40);

        var labels = await Activity("r", "3").RunAsync(() => new AnnotateActivities(Store, Audit).AnnotateAsync(
            new(_runId, dataset, Simulated(("annotators", "3"), ("accuracy", "0.4"), ("seed", "5")), 0)));

        labels.DisagreementCount.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Annotate_CsvFile_ImportsLabelsAndTakesConsensus()
    {
        var dataset = await DatasetAsync(4);
        var manifest = ManifestJson.Parse(await Store.GetAsync(dataset.ManifestDigest, Token));
        var file = Path.GetTempFileName();
        try
        {
            var rows = manifest.Items.SelectMany(i => new[] { $"{i.ItemId},ann-a,{i.Label}", $"{i.ItemId},ann-b,{i.Label}" });
            await File.WriteAllLinesAsync(file, ["item_id,annotator,label", .. rows], Token);

            var labels = await Activity("r", "3").RunAsync(() => new AnnotateActivities(Store, Audit, TempRoots).AnnotateAsync(
                new(_runId, dataset, new AnnotationSource("csv", file, new Dictionary<string, string>()), 0)));

            labels.Annotators.ShouldBe(["ann-a", "ann-b"]);
            labels.AnnotationCount.ShouldBe(8);
            LabelJsonLines.ReadConsensus(await Store.GetAsync(labels.LabelSetDigest, Token))
                .ShouldBe(manifest.Items.ToDictionary(i => i.ItemId, i => i.Label), ignoreOrder: true);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Annotate_CsvFileWithUnknownLabel_FailsNonRetryableNamingTheLine()
    {
        var dataset = await DatasetAsync(4);
        var manifest = ManifestJson.Parse(await Store.GetAsync(dataset.ManifestDigest, Token));
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(file, ["item_id,annotator,label", $"{manifest.Items[0].ItemId},ann-a,hexagon"], Token);

            var error = await Should.ThrowAsync<ApplicationFailureException>(() => Activity("r", "3").RunAsync(() => new AnnotateActivities(Store, Audit, TempRoots).AnnotateAsync(
                new(_runId, dataset, new AnnotationSource("csv", file, new Dictionary<string, string>()), 0))));

            error.ErrorType.ShouldBe("InvalidInput");
            error.Message.ShouldContain("line 2");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("csv", "seed", "1")]
    [InlineData("simulated", "accuracy", "1.5")]
    [InlineData("simulated", "annotators-per-item", "9")]
    [InlineData("simulated", "annotators", "three")]
    [InlineData("simulated", "reviewers", "2")]
    public async Task Annotate_BadSourceOrParameters_FailsNonRetryableWithoutRecording(string kind, string key, string value)
    {
        var dataset = await DatasetAsync(4);
        var source = new AnnotationSource(kind, null, new Dictionary<string, string> { [key] = value });

        var error = await Should.ThrowAsync<ApplicationFailureException>(() =>
            Activity("r", "3").RunAsync(() => new AnnotateActivities(Store, Audit).AnnotateAsync(new(_runId, dataset, source, 0))));

        error.ErrorType.ShouldBe("InvalidInput");
        error.NonRetryable.ShouldBeTrue();
        (await Ledger.ReadStreamAsync(AuditStreams.Run(_runId), cancellationToken: Token)).ShouldBeEmpty();
    }
}
