using Orchestrator.Activities.Acquire;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Events;
using Orchestrator.Contracts;
using Orchestrator.Ml.Data;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Testing;
using Orchestrator.Workflows.Acquire;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Tests.Acquire;

public sealed class AcquireActivitiesTests(PostgresDatabase database, BlobContainer container)
    : LedgerTestBase(database), IClassFixture<PostgresDatabase>, IClassFixture<BlobContainer>
{
    private readonly string _runId = Guid.NewGuid().ToString("N");

    private BlobArtifactStore Store => new(container.Client);

    private static DatasetSource Synthetic(params (string Key, string Value)[] parameters) =>
        new("synthetic", null, parameters.ToDictionary(p => p.Key, p => p.Value), "CC0-1.0", "not-applicable: synthetic", "P7Y");

    [Fact]
    public async Task Acquire_SyntheticSourceRetried_StoresImagesAndManifestAndRecordsOnce()
    {
        var activities = new AcquireActivities(Store, Audit);
        var input = new IAcquireActivities.Input(_runId, Synthetic(("seed", "7"), ("count", "12"), ("image-size", "16")), "sha256:policy");

        var first = await Activity("temporal-run-1", "2", attempt: 1).RunAsync(() => activities.AcquireAsync(input));
        var second = await Activity("temporal-run-1", "2", attempt: 2).RunAsync(() => activities.AcquireAsync(input));

        (second.ManifestDigest, second.ManifestUri, second.ItemCount).ShouldBe((first.ManifestDigest, first.ManifestUri, first.ItemCount));
        first.ItemCount.ShouldBe(12);
        first.CorruptCount.ShouldBe(0);
        first.Classes.ShouldBe(SyntheticShapes.DefaultClasses);
        var manifest = ManifestJson.Parse(await Store.GetAsync(first.ManifestDigest, Token));
        manifest.Digest().ShouldBe(first.ManifestDigest);
        manifest.Items.Count.ShouldBe(12);
        foreach (var item in manifest.Items)
        {
            (await Store.ExistsAsync(item.ContentDigest, Token)).ShouldBeTrue(item.ItemId);
        }

        var entry = (await Ledger.ReadStreamAsync(AuditStreams.Run(_runId), cancellationToken: Token)).ShouldHaveSingleItem();
        var acquired = entry.Data.ShouldBeOfType<DatasetAcquired>();
        acquired.ManifestDigest.ShouldBe(first.ManifestDigest);
        acquired.ItemCount.ShouldBe(12);
        acquired.ClassCounts.Values.Sum().ShouldBe(12);
        acquired.Licence.ShouldBe("CC0-1.0");
        acquired.Retention.ShouldBe("P7Y");
        entry.Context.Evidence.ShouldHaveSingleItem().Sha256.ShouldBe(Digest.Parse(first.ManifestDigest).Hex);
    }

    [Fact]
    public async Task Acquire_SameSeedDifferentDrift_YieldsDifferentVersion()
    {
        var activities = new AcquireActivities(Store, Audit);

        var reference = await Activity("r", "1").RunAsync(() => activities.AcquireAsync(new(_runId, Synthetic(("seed", "3"), ("count", "4"), ("image-size", "16")), "p")));
        var drifted = await Activity("r", "2").RunAsync(() => activities.AcquireAsync(new(_runId, Synthetic(("seed", "3"), ("count", "4"), ("image-size", "16"), ("drift", "0.8")), "p")));

        drifted.ManifestDigest.ShouldNotBe(reference.ManifestDigest);
    }

    [Fact]
    public async Task Acquire_ImageFolderWithCorruptFile_StoresGoodImagesAndCountsCorrupt()
    {
        var folder = Directory.CreateTempSubdirectory("acquire-test-");
        try
        {
            foreach (var (label, shade) in new[] { ("cat", (byte)40), ("dog", (byte)200) })
            {
                Directory.CreateDirectory(Path.Combine(folder.FullName, label));
                var pixels = Enumerable.Range(0, 8 * 8 * 3).Select(i => (byte)(shade + (i % 7))).ToArray();
                await File.WriteAllBytesAsync(Path.Combine(folder.FullName, label, "1.png"), ImageCodec.EncodePng(new RgbImage(8, 8, pixels)), Token);
            }

            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "dog", "notes.png"), "not an image", Token);
            var source = new DatasetSource("image-folder", folder.FullName, new Dictionary<string, string>(), "CC-BY-4.0", "contributors", "P1Y");

            var version = await Activity("r", "2").RunAsync(() => new AcquireActivities(Store, Audit, roots: new LocalDataRoots([folder.FullName])).AcquireAsync(new(_runId, source, "p")));

            version.ItemCount.ShouldBe(2);
            version.CorruptCount.ShouldBe(1);
            version.Classes.ShouldBe(["cat", "dog"]);
            var manifest = ManifestJson.Parse(await Store.GetAsync(version.ManifestDigest, Token));
            (await Store.GetAsync(manifest.Items[0].ContentDigest, Token)).ShouldNotBeEmpty();
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("synthetic", "count", "many")]
    [InlineData("synthetic", "colour", "red")]
    [InlineData("synthetic", "drift", "2")]
    [InlineData("web-scrape", "count", "4")]
    [InlineData("image-folder", "count", "4")]
    public async Task Acquire_BadSourceOrParameters_FailsNonRetryableWithoutRecording(string kind, string key, string value)
    {
        var parameters = new Dictionary<string, string> { ["seed"] = "1", ["count"] = "4", [key] = value };
        var source = new DatasetSource(kind, kind == "image-folder" ? "/nonexistent/folder" : null, parameters, "CC0-1.0", "none", "P1Y");

        var error = await Should.ThrowAsync<ApplicationFailureException>(() =>
            Activity("r", "1").RunAsync(() => new AcquireActivities(Store, Audit).AcquireAsync(new(_runId, source, "p"))));

        error.ErrorType.ShouldBe("InvalidInput");
        error.NonRetryable.ShouldBeTrue();
        (await Ledger.ReadStreamAsync(AuditStreams.Run(_runId), cancellationToken: Token)).ShouldBeEmpty();
    }
}
