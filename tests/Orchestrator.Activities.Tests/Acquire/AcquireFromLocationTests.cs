using Orchestrator.Activities.Acquire;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Ml.Data;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Testing;
using Orchestrator.Workflows.Acquire;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Tests.Acquire;

/// <summary>Image folders and CIFAR-10 batches written in their formats to Azurite (a container prefix) and to local disk, acquired through the activity.</summary>
public sealed class AcquireFromLocationTests(PostgresDatabase database, BlobContainer container)
    : LedgerTestBase(database), IClassFixture<PostgresDatabase>, IClassFixture<BlobContainer>
{
    private readonly string _runId = Guid.NewGuid().ToString("N");
    private readonly string _prefix = $"sets/{Guid.NewGuid():N}";

    private AcquireActivities Activities => new(new BlobArtifactStore(container.Client), Audit, container.Client, new LocalDataRoots([Path.GetTempPath()]));

    private static DatasetSource Source(string kind, string location) =>
        new(kind, location, new Dictionary<string, string>(), "CC-BY-4.0", "contributors", "P1Y");

    [Fact]
    public async Task Acquire_ImageFolderInBlobPrefixRetried_ReadsOnlyThePrefixReportsCorruptAndRecordsOnce()
    {
        await UploadAsync("cat/1.png", Png(40));
        await UploadAsync("cat/2.png", Png(90));
        await UploadAsync("dog/1.png", Png(200));
        await UploadAsync("dog/broken.png", "not an image"u8.ToArray());
        await container.Client.UploadBlobAsync($"elsewhere/{Guid.NewGuid():N}/bird/1.png", BinaryData.FromBytes(Png(10)), Token);
        var input = new IAcquireActivities.Input(_runId, Source("image-folder", $"blob://{container.Name}/{_prefix}"), "p");

        var first = await Activity("wf-run", "acquire", attempt: 1).RunAsync(() => Activities.AcquireAsync(input));
        var second = await Activity("wf-run", "acquire", attempt: 2).RunAsync(() => Activities.AcquireAsync(input));

        second.ShouldBeEquivalentTo(first);
        (first.ItemCount, first.CorruptCount).ShouldBe((3, 1));
        first.Classes.ShouldBe(["cat", "dog"]);
        first.CorruptItems.ShouldNotBeNull().ShouldHaveSingleItem().ShouldStartWith("dog/broken.png: ");
        var manifest = ManifestJson.Parse(await new BlobArtifactStore(container.Client).GetAsync(first.ManifestDigest, Token));
        manifest.Items.Select(i => (i.ItemId, i.Label)).ShouldBe([("cat/1.png", "cat"), ("cat/2.png", "cat"), ("dog/1.png", "dog")]);
        var entry = (await Ledger.ReadStreamAsync(AuditStreams.Run(_runId), cancellationToken: Token)).ShouldHaveSingleItem();
        entry.Data.ShouldBeOfType<DatasetAcquired>().ManifestDigest.ShouldBe(first.ManifestDigest);
    }

    [Fact]
    public async Task Acquire_ImageFolderWithASliceFile_ItemsCarryItsAttributesAndTheFileIsStoredWithTheVersion()
    {
        await UploadAsync("cat/1.png", Png(40));
        await UploadAsync("cat/2.png", Png(90));
        await UploadAsync("dog/1.png", Png(200));
        var slices = "item,lighting,site\ncat/1.png,dim,north\ncat/2.png,bright,north\n"u8.ToArray();
        await UploadAsync("slices.csv", slices);
        var dogDigest = Contracts.Digest.Of(Png(200)).ToString();
        await UploadAsync("more.jsonl", System.Text.Encoding.UTF8.GetBytes($$"""{"item": "{{dogDigest}}", "lighting": "dim"}""" + "\n"));
        var location = $"blob://{container.Name}/{_prefix}";
        var csv = Source("image-folder", location) with { Parameters = new Dictionary<string, string> { ["slices"] = "slices.csv" } };

        var version = await Activity("wf-run", "acquire").RunAsync(() => Activities.AcquireAsync(new(_runId, csv, "p")));

        var store = new BlobArtifactStore(container.Client);
        version.SliceMetadataDigest.ShouldBe(Contracts.Digest.Of(slices).ToString());
        (await store.GetAsync(version.SliceMetadataDigest!, Token)).ShouldBe(slices);
        var manifest = ManifestJson.Parse(await store.GetAsync(version.ManifestDigest, Token));
        manifest.Items.Select(i => string.Join(";", i.Slices.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))).ShouldBe(["lighting=dim;site=north", "lighting=bright;site=north", ""]);
        var acquired = (await Ledger.ReadStreamAsync(AuditStreams.Run(_runId), cancellationToken: Token)).ShouldHaveSingleItem();
        acquired.Context.Evidence.ShouldContain(e => e.Name == "slice-metadata" && e.Sha256 == Contracts.Digest.Parse(version.SliceMetadataDigest!).Hex);

        var jsonl = Source("image-folder", location) with { Parameters = new Dictionary<string, string> { ["slices"] = "more.jsonl" } };
        var byDigest = await Activity("wf-run-2", "acquire").RunAsync(() => Activities.AcquireAsync(new(_runId + "-2", jsonl, "p")));
        ManifestJson.Parse(await store.GetAsync(byDigest.ManifestDigest, Token)).Items.Single(i => i.ItemId == "dog/1.png").Slices["lighting"].ShouldBe("dim");
    }

    [Fact]
    public async Task Acquire_SliceFileNamingAnItemNotInTheData_FailsNonRetryable()
    {
        await UploadAsync("cat/1.png", Png(40));
        await UploadAsync("slices.csv", "item,lighting\ncat/9.png,dim\n"u8.ToArray());
        var source = Source("image-folder", $"blob://{container.Name}/{_prefix}") with { Parameters = new Dictionary<string, string> { ["slices"] = "slices.csv" } };

        var failure = await Should.ThrowAsync<ApplicationFailureException>(() => Activity("wf-run", "acquire").RunAsync(() => Activities.AcquireAsync(new(_runId, source, "p"))));

        failure.NonRetryable.ShouldBeTrue();
        failure.Message.ShouldContain("cat/9.png");
    }

    [Fact]
    public async Task Acquire_Cifar10InBlobPrefixAndOnDisk_SameImagesBadRecordsReportedRecordedOnce()
    {
        byte[] training = [.. Cifar10Files.Record(3, 1), .. Cifar10Files.Record(12, 2), .. Cifar10Files.Record(9, 3)];
        byte[] test = [.. Cifar10Files.Record(0, 4), .. Cifar10Files.Record(1, 5)[..700]];
        await UploadAsync("data_batch_1.bin", training);
        await UploadAsync("test_batch.bin", test);
        var input = new IAcquireActivities.Input(_runId, Source("cifar10", $"blob://{container.Name}/{_prefix}/"), "p");

        var first = await Activity("wf-run", "acquire", attempt: 1).RunAsync(() => Activities.AcquireAsync(input));
        var second = await Activity("wf-run", "acquire", attempt: 2).RunAsync(() => Activities.AcquireAsync(input));

        second.ManifestDigest.ShouldBe(first.ManifestDigest);
        (first.ItemCount, first.CorruptCount).ShouldBe((3, 2));
        first.Classes.ShouldBe(Cifar10Source.LabelNames);
        first.CorruptItems.ShouldNotBeNull().Select(c => c[..c.IndexOf(':', StringComparison.Ordinal)]).ShouldBe(["data_batch_1.bin/00001", "test_batch.bin/00001"]);
        var store = new BlobArtifactStore(container.Client);
        var fromBlob = ManifestJson.Parse(await store.GetAsync(first.ManifestDigest, Token));
        fromBlob.Items.Select(i => i.Label).ShouldBe(["cat", "truck", "airplane"]);
        var acquired = (await Ledger.ReadStreamAsync(AuditStreams.Run(_runId), cancellationToken: Token)).ShouldHaveSingleItem().Data.ShouldBeOfType<DatasetAcquired>();
        acquired.ItemCount.ShouldBe(3);

        var folder = Directory.CreateTempSubdirectory("acquire-cifar-");
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "data_batch_1.bin"), training, Token);
            await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "test_batch.bin"), test, Token);
            var local = await Activity("wf-run-2", "acquire").RunAsync(() => Activities.AcquireAsync(new($"{_runId}-local", Source("cifar10", folder.FullName), "p")));

            // The same records give the same stored images wherever the batches were read from.
            var fromDisk = ManifestJson.Parse(await store.GetAsync(local.ManifestDigest, Token));
            fromDisk.Items.Select(i => (i.ItemId, i.ContentDigest)).ShouldBe(fromBlob.Items.Select(i => (i.ItemId, i.ContentDigest)));
            local.CorruptCount.ShouldBe(2);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("cifar10", "blob://{container}/{prefix}/empty")]
    [InlineData("image-folder", "blob://no-such-container-{guid}/x")]
    [InlineData("image-folder", "blob://Not_A_Container/x")]
    [InlineData("cifar10", "/nonexistent/cifar")]
    public async Task Acquire_BadLocation_FailsNonRetryableWithoutRecording(string kind, string location)
    {
        location = location.Replace("{container}", container.Name, StringComparison.Ordinal)
            .Replace("{prefix}", _prefix, StringComparison.Ordinal).Replace("{guid}", Guid.NewGuid().ToString("N")[..8], StringComparison.Ordinal);

        var error = await Should.ThrowAsync<ApplicationFailureException>(() =>
            Activity("wf-run", "acquire").RunAsync(() => Activities.AcquireAsync(new(_runId, Source(kind, location), "p"))));

        error.ErrorType.ShouldBe("InvalidInput");
        error.NonRetryable.ShouldBeTrue();
        (await Ledger.ReadStreamAsync(AuditStreams.Run(_runId), cancellationToken: Token)).ShouldBeEmpty();
    }

    private async Task UploadAsync(string path, byte[] content) =>
        await container.Client.UploadBlobAsync($"{_prefix}/{path}", BinaryData.FromBytes(content), Token);

    private static byte[] Png(byte shade) =>
        ImageCodec.EncodePng(new RgbImage(8, 8, [.. Enumerable.Range(0, 8 * 8 * 3).Select(i => (byte)(shade + (i % 7)))]));
}
