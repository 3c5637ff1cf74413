using Orchestrator.Contracts;
using Orchestrator.Ml.Data;

namespace Orchestrator.Ml.Tests.Data;

public sealed class MultiLabelFolderSourceTests : IDisposable
{
    private static readonly DatasetTerms Terms = new("CC0-1.0", "not-applicable: synthetic", "P1Y");
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private void WriteImages(params string[] paths)
    {
        var images = new SyntheticShapes(new SyntheticShapesOptions(Seed: 5, Count: paths.Length)).Generate().ToList();
        for (var i = 0; i < paths.Length; i++)
        {
            _directory.Write(paths[i], ImageCodec.EncodePng(images[i].Image));
        }
    }

    [Fact]
    public async Task Ingest_CsvLabelFile_MultiLabelManifestWithLabelSetsAndUnionOfClasses()
    {
        WriteImages("img/a.png", "img/b.png", "img/c.png");
        _directory.Write("labels.csv", "path,labels\nimg/a.png,dog|cat\nimg/b.png,\nimg/c.png,bird\n"u8.ToArray());

        var result = await DatasetIngestor.IngestAsync(new MultiLabelFolderSource(new LocalFileTree(_directory.Path), "labels.csv"), "tags", Terms, null, TestContext.Current.CancellationToken);

        var manifest = result.Manifest;
        manifest.Task.ShouldBe(TaskKind.MultiLabel);
        manifest.Classes.ShouldBe(["bird", "cat", "dog"]);
        manifest.Items.Select(i => string.Join('+', i.Labels!)).ShouldBe(["cat+dog", "", "bird"]);
        manifest.Items[0].Label.ShouldBe("cat|dog");
        result.Corrupt.ShouldBeEmpty();
    }

    [Fact]
    public async Task Manifest_MultiLabel_RoundTripsThroughCanonicalJsonWithTaskAndLabels()
    {
        WriteImages("a.png", "b.png");
        _directory.Write("labels.jsonl", "{\"path\":\"a.png\",\"labels\":[\"dog\",\"cat\"]}\n{\"path\":\"b.png\",\"labels\":[]}\n"u8.ToArray());
        var manifest = (await DatasetIngestor.IngestAsync(new MultiLabelFolderSource(new LocalFileTree(_directory.Path), "labels.jsonl"), "tags", Terms, null, TestContext.Current.CancellationToken)).Manifest;

        var bytes = ManifestJson.ToCanonicalBytes(manifest);
        var parsed = ManifestJson.Parse(bytes);

        System.Text.Encoding.UTF8.GetString(bytes).ShouldContain("\"task\":\"multi-label\"");
        parsed.Task.ShouldBe(TaskKind.MultiLabel);
        parsed.Items.Select(i => i.Labels!.Count).ShouldBe([2, 0]);
        ManifestJson.ToCanonicalBytes(parsed).ShouldBe(bytes);
    }

    [Fact]
    public async Task Ingest_BadLabelFile_RefusedNamingTheLines()
    {
        WriteImages("a.png");
        _directory.Write("labels.csv", "path,labels\na.png,cat\na.png,dog\nb.png,cat||dog\n"u8.ToArray());

        var error = await Should.ThrowAsync<InvalidDataException>(() =>
            DatasetIngestor.IngestAsync(new MultiLabelFolderSource(new LocalFileTree(_directory.Path), "labels.csv"), "tags", Terms, null, TestContext.Current.CancellationToken));

        error.Message.ShouldBe("The label file has 2 bad lines: line 3: the path is listed again (first on line 2); line 4: an empty label (two delimiters in a row, or one at an end).");
    }

    [Fact]
    public async Task Ingest_ListedImageMissing_ReportedCorrupt()
    {
        WriteImages("a.png");
        _directory.Write("labels.csv", "path,labels\na.png,cat\nmissing.png,dog\n"u8.ToArray());

        var result = await DatasetIngestor.IngestAsync(new MultiLabelFolderSource(new LocalFileTree(_directory.Path), "labels.csv"), "tags", Terms, null, TestContext.Current.CancellationToken);

        result.Manifest.Items.Count.ShouldBe(1);
        result.Corrupt.ShouldBe([new CorruptImage("missing.png", "listed in the label file but cannot be read")]);
    }
}
