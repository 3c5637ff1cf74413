using Orchestrator.Contracts;
using Orchestrator.Ml.Data;

namespace Orchestrator.Ml.Tests.Data;

public sealed class ImageFolderSourceTests : IDisposable
{
    private static readonly DatasetTerms Terms = new("CC-BY-4.0", "collected with written consent", "P3Y");
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task Ingest_FolderPerClass_ListsEveryImageWithLabelDigestAndSize()
    {
        var images = new SyntheticShapes(new SyntheticShapesOptions(Seed: 1, Count: 6)).Generate().ToList();
        var expected = new Dictionary<string, byte[]>();
        for (var i = 0; i < images.Count; i++)
        {
            var path = i % 2 == 0 ? $"{images[i].Label}/img{i}.png" : $"{images[i].Label}/sub/img{i}.jpg";
            expected[path] = i % 2 == 0 ? ImageCodec.EncodePng(images[i].Image) : ImageCodec.EncodeJpeg(images[i].Image);
            _directory.Write(path, expected[path]);
        }

        var result = await Ingest();

        result.Corrupt.ShouldBeEmpty();
        result.Manifest.Items.Select(i => i.ItemId).ShouldBe(expected.Keys.Order(StringComparer.Ordinal));
        foreach (var item in result.Manifest.Items)
        {
            item.ContentDigest.ShouldBe(Digest.Of(expected[item.ItemId]).ToString());
            item.ByteSize.ShouldBe(expected[item.ItemId].Length);
            item.Label.ShouldBe(item.ItemId.Split('/')[0]);
        }

        result.Manifest.Classes.ShouldBe(images.Select(i => i.Label).Distinct().Order(StringComparer.Ordinal));
        result.Manifest.Terms.ShouldBe(Terms);
    }

    [Fact]
    public async Task Ingest_CorruptAndNonImageFiles_ReportsThemAndKeepsTheRest()
    {
        var good = ImageCodec.EncodePng(new SyntheticShapes(new SyntheticShapesOptions(Seed: 2, Count: 1)).Generate(0).Image);
        _directory.Write("circle/good.png", good);
        _directory.Write("circle/truncated.png", good[..40]);
        _directory.Write("square/notes.txt", "not an image"u8.ToArray());
        _directory.Write("square/empty.jpg", []);
        _directory.Write("README.md", "root files are not images of any class"u8.ToArray());
        _directory.Write("square/.DS_Store", [0, 1, 2]);

        var result = await Ingest();

        result.Manifest.Items.Select(i => i.ItemId).ShouldBe(["circle/good.png"]);
        result.Corrupt.Select(c => c.ItemId).ShouldBe(["circle/truncated.png", "square/empty.jpg", "square/notes.txt"]);
        result.Corrupt.Single(c => c.ItemId == "square/empty.jpg").Reason.ShouldBe("empty file");
        result.CorruptFraction.ShouldBe(0.75);
    }

    [Fact]
    public async Task Ingest_SameFilesTwice_GivesSameManifestDigest()
    {
        var images = new SyntheticShapes(new SyntheticShapesOptions(Seed: 3, Count: 5)).Generate();
        foreach (var image in images)
        {
            _directory.Write($"{image.Label}/{image.ItemId}.png", ImageCodec.EncodePng(image.Image));
        }

        (await Ingest()).Manifest.Digest().ShouldBe((await Ingest()).Manifest.Digest());
    }

    [Fact]
    public async Task Ingest_WithSink_StoresEachGoodImageUnderItsDigest()
    {
        var image = new SyntheticShapes(new SyntheticShapesOptions(Seed: 4, Count: 1)).Generate(0);
        var bytes = ImageCodec.EncodePng(image.Image);
        _directory.Write($"{image.Label}/a.png", bytes);
        _directory.Write($"{image.Label}/b.png", [1, 2, 3]);
        var sink = new RecordingSink();

        await DatasetIngestor.IngestAsync(new ImageFolderSource(new LocalFileTree(_directory.Path)), "shapes", Terms, sink, TestContext.Current.CancellationToken);

        sink.Stored.Keys.ShouldBe([Digest.Of(bytes).ToString()]);
        sink.Stored.Values.Single().ShouldBe(bytes);
    }

    public void Dispose() => _directory.Dispose();

    private Task<IngestResult> Ingest() =>
        DatasetIngestor.IngestAsync(new ImageFolderSource(new LocalFileTree(_directory.Path)), "shapes", Terms, null, TestContext.Current.CancellationToken);

    private sealed class RecordingSink : IContentSink
    {
        public Dictionary<string, byte[]> Stored { get; } = [];

        public ValueTask StoreAsync(string digest, byte[] content, CancellationToken cancellationToken)
        {
            Stored[digest] = content;
            return ValueTask.CompletedTask;
        }
    }
}
