using Orchestrator.Activities.Acquire;
using Orchestrator.Activities.Annotate;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Audit.Events;
using Orchestrator.Ml.Data;
using Orchestrator.Testing;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Tests.Security;

/// <summary>
/// A run cannot read a file the operator did not offer: local dataset and label locations must lie under a configured
/// data root (after symbolic links are resolved), and no failure reason, which the ledger keeps for good, quotes a file.
/// </summary>
public sealed class LocalDataAccessTests(PostgresDatabase database, BlobContainer container, LocalDataAccessTests.Directories directories)
    : LedgerTestBase(database), IClassFixture<PostgresDatabase>, IClassFixture<BlobContainer>, IClassFixture<LocalDataAccessTests.Directories>
{
    private const string Secret = "root:x:0:0:secret-line-7f3a:/root:/bin/bash";
    private readonly string _runId = Guid.NewGuid().ToString("N");
    private readonly DirectoryInfo _root = directories.Parent.CreateSubdirectory("data-root-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly DirectoryInfo _outside = directories.Parent.CreateSubdirectory("outside-root-" + Guid.NewGuid().ToString("N")[..8]);

    private BlobArtifactStore Store => new(container.Client);

    private LocalDataRoots Roots => new([_root.FullName]);

    [Fact]
    public async Task Annotate_LabelFileOutsideTheRoots_FailsNonRetryableWithoutReadingIt()
    {
        var dataset = await DatasetAsync();
        var secret = Path.Combine(_outside.FullName, "secret.txt");
        await File.WriteAllTextAsync(secret, Secret + "\n", Token);

        var error = await AnnotateFailsAsync(dataset, secret);

        error.Message.ShouldContain("Orchestrator:Data:LocalRoots");
        error.Message.ShouldNotContain("secret-line");
        (await Ledger.ReadStreamAsync(AuditStreams.Run(_runId), cancellationToken: Token)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Annotate_SymbolicLinkInsideTheRootToAFileOutside_IsRefused()
    {
        var dataset = await DatasetAsync();
        var secret = Path.Combine(_outside.FullName, "secret.csv");
        await File.WriteAllTextAsync(secret, Secret + "\n", Token);
        var link = Path.Combine(_root.FullName, "labels.csv");
        File.CreateSymbolicLink(link, secret);

        var error = await AnnotateFailsAsync(dataset, link);

        error.Message.ShouldContain("not under a local data root");
        error.Message.ShouldNotContain("secret-line");
    }

    [Fact]
    public async Task Annotate_NoRootsConfigured_RefusesEveryLocalFile()
    {
        var dataset = await DatasetAsync();
        var labels = Path.Combine(_root.FullName, "labels.csv");
        await File.WriteAllTextAsync(labels, "item_id,annotator,label\n", Token);

        var error = await Should.ThrowAsync<ApplicationFailureException>(() => Activity("r", "3").RunAsync(() =>
            new AnnotateActivities(Store, Audit).AnnotateAsync(new(_runId, dataset, new AnnotationSource("csv", labels, new Dictionary<string, string>()), 0))));

        error.NonRetryable.ShouldBeTrue();
        error.Message.ShouldContain("reads no local data");
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("jsonl")]
    public async Task Annotate_NonLabelFileUnderTheRoot_FailsNamingLinesNeverItsContent(string kind)
    {
        var dataset = await DatasetAsync();
        var file = Path.Combine(_root.FullName, "not-labels." + kind);
        await File.WriteAllTextAsync(file, $"{Secret}\n{Secret},{Secret},{Secret}\n{{\"{Secret}\":\"{Secret}\"}}\n{{\"item_id\":\"{Secret}\",\"annotator\":\"a\",\"label\":\"{Secret}\",\"confidence\":\"{Secret}\",\"time\":\"{Secret}\"}}\n", Token);

        var error = await AnnotateFailsAsync(dataset, file, kind);

        error.Message.ShouldContain("line 1");
        error.Message.ShouldNotContain("secret-line");
        error.Message.ShouldNotContain("root:x");
    }

    [Fact]
    public async Task Acquire_ImageFolderOutsideTheRoots_FailsWithoutSayingWhetherItExists()
    {
        var missing = await AcquireFailsAsync(Path.Combine(_outside.FullName, "no-such-folder"));
        var existing = await AcquireFailsAsync(_outside.FullName);

        existing.Message.ShouldBe(missing.Message.Replace(Path.Combine(_outside.FullName, "no-such-folder"), _outside.FullName, StringComparison.Ordinal));
        existing.Message.ShouldContain("not under a local data root");
        (await Ledger.ReadStreamAsync(AuditStreams.Run(_runId), cancellationToken: Token)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("https://attacker.blob.core.windows.net/data/images")]
    [InlineData("blob:/data/images")]
    [InlineData("relative/images")]
    public async Task Acquire_LocationInAnotherAccountOrRelative_IsNeitherABlobPrefixHereNorUnderARoot(string location)
    {
        // Blob locations resolve in the worker's own account only (blob://<container>/<prefix>); anything else is a local path.
        var error = await AcquireFailsAsync(location);

        error.Message.ShouldContain("not under a local data root");
    }

    [Fact]
    public async Task Acquire_RootReachedThroughARelativeOrLinkedPath_IsRefusedWhenItLeavesTheRoot()
    {
        var link = Path.Combine(_root.FullName, "escape");
        Directory.CreateSymbolicLink(link, _outside.FullName);

        var error = await AcquireFailsAsync(link);
        var relative = await Should.ThrowAsync<UnauthorizedAccessException>(() => Task.FromResult(Roots.Resolve(_root.FullName + "/../" + _outside.Name)));

        error.Message.ShouldContain("not under a local data root");
        relative.Message.ShouldContain("'..'");
    }

    [Fact]
    public async Task Acquire_ImageFolderWithALinkToAFileOutside_NeverReadsTheLinkedFile()
    {
        var folder = _root.CreateSubdirectory("images");
        foreach (var label in new[] { "cat", "dog" })
        {
            var dir = folder.CreateSubdirectory(label);
            await File.WriteAllBytesAsync(Path.Combine(dir.FullName, "1.png"), ImageCodec.EncodePng(new RgbImage(8, 8, new byte[8 * 8 * 3])), Token);
        }

        var secret = Path.Combine(_outside.FullName, "secret.png");
        await File.WriteAllBytesAsync(secret, ImageCodec.EncodePng(new RgbImage(8, 8, Enumerable.Repeat((byte)200, 8 * 8 * 3).ToArray())), Token);
        File.CreateSymbolicLink(Path.Combine(folder.FullName, "dog", "2.png"), secret);
        Directory.CreateSymbolicLink(Path.Combine(folder.FullName, "bird"), _outside.FullName);
        var source = new DatasetSource("image-folder", folder.FullName, new Dictionary<string, string>(), "CC0-1.0", "none", "P1Y");

        var version = await Activity("r", "2").RunAsync(() => new AcquireActivities(Store, Audit, roots: Roots).AcquireAsync(new(_runId, source, "p")));

        (version.ItemCount, version.CorruptCount).ShouldBe((2, 0));
        version.Classes.ShouldBe(["cat", "dog"]);
    }

    private async Task<ApplicationFailureException> AcquireFailsAsync(string location)
    {
        var source = new DatasetSource("image-folder", location, new Dictionary<string, string>(), "CC0-1.0", "none", "P1Y");
        var error = await Should.ThrowAsync<ApplicationFailureException>(() =>
            Activity("r", "2").RunAsync(() => new AcquireActivities(Store, Audit, roots: Roots).AcquireAsync(new(_runId, source, "p"))));
        error.ErrorType.ShouldBe("InvalidInput");
        error.NonRetryable.ShouldBeTrue();
        return error;
    }

    private async Task<ApplicationFailureException> AnnotateFailsAsync(DatasetVersion dataset, string location, string kind = "csv")
    {
        var error = await Should.ThrowAsync<ApplicationFailureException>(() => Activity("r", "3").RunAsync(() =>
            new AnnotateActivities(Store, Audit, Roots).AnnotateAsync(new(_runId, dataset, new AnnotationSource(kind, location, new Dictionary<string, string>()), 0))));
        error.ErrorType.ShouldBe("InvalidInput");
        error.NonRetryable.ShouldBeTrue();
        return error;
    }

    private async Task<DatasetVersion> DatasetAsync()
    {
        var source = new DatasetSource("synthetic", null, new Dictionary<string, string> { ["seed"] = "3", ["count"] = "4", ["image-size"] = "16" }, "CC0-1.0", "synthetic", "P7Y");
        return await Activity($"setup-{_runId}", "acquire").RunAsync(() => new AcquireActivities(Store, Audit).AcquireAsync(new($"setup-{_runId}", source, "p")));
    }

    /// <summary>One temporary directory for the class's roots and the places outside them, removed at the end.</summary>
    public sealed class Directories : IDisposable
    {
        public DirectoryInfo Parent { get; } = Directory.CreateTempSubdirectory("local-data-access-");

        public void Dispose() => Parent.Delete(recursive: true);
    }
}
