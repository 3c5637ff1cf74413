using Orchestrator.Ml.Data;

namespace Orchestrator.Ml.Tests.Data;

public sealed class Cifar10SourceTests : IDisposable
{
    private static readonly DatasetTerms Terms = new("MIT", "not-applicable: public benchmark", "P1Y");
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task Ingest_WellFormedBatch_DecodesPlanesIntoInterleavedPixels()
    {
        var first = Record(label: 3, seed: 1);
        var second = Record(label: 9, seed: 2);
        _directory.Write("data_batch_1.bin", [.. first, .. second]);

        var result = await Ingest(["data_batch_1.bin"]);

        result.Corrupt.ShouldBeEmpty();
        result.Manifest.Classes.ShouldBe(Cifar10Source.LabelNames);
        result.Manifest.Items.Select(i => (i.ItemId, i.Label)).ShouldBe([("data_batch_1.bin/00000", "cat"), ("data_batch_1.bin/00001", "truck")]);
        result.Manifest.Items[0].Slices[Cifar10Source.BatchSlice].ShouldBe("data_batch_1");

        // Pixel (x=5, y=2) must combine the three planes' bytes at offset 2*32+5.
        var content = await File.ReadAllBytesAsync(Path.Combine(_directory.Path, "data_batch_1.bin"), TestContext.Current.CancellationToken);
        var decoded = await DecodeFirstAsync();
        var p = (2 * 32) + 5;
        decoded.Pixels[(3 * p)..((3 * p) + 3)].ShouldBe([content[1 + p], content[1 + 1024 + p], content[1 + 2048 + p]]);
    }

    [Fact]
    public async Task Ingest_BadLabelAndTruncatedRecord_AreReportedNotThrown()
    {
        _directory.Write("test_batch.bin", [.. Record(0, 1), .. Record(12, 2), .. Record(1, 3)[..1000]]);

        var result = await Ingest(["test_batch.bin"]);

        result.Manifest.Items.Select(i => i.Label).ShouldBe(["airplane"]);
        result.Corrupt.Select(c => c.ItemId).ShouldBe(["test_batch.bin/00001", "test_batch.bin/00002"]);
        result.Corrupt[0].Reason.ShouldContain("label byte 12");
        result.Corrupt[1].Reason.ShouldContain("truncated record (1000 of 3073 bytes)");
    }

    [Fact]
    public async Task Ingest_MissingBatchFile_Throws() =>
        await Should.ThrowAsync<FileNotFoundException>(() => Ingest(["data_batch_9.bin"]));

    [Fact]
    public async Task OpenAsync_SomeStandardBatchesPresent_ReadsThoseInOfficialOrder()
    {
        _directory.Write("test_batch.bin", Record(1, 1));
        _directory.Write("data_batch_2.bin", Record(2, 2));
        _directory.Write("readme.html", [1, 2, 3]);

        var source = await Cifar10Source.OpenAsync(new LocalFileTree(_directory.Path), TestContext.Current.CancellationToken);
        var result = await DatasetIngestor.IngestAsync(source, "cifar", Terms, null, TestContext.Current.CancellationToken);

        source.Description.ShouldBe("cifar10:data_batch_2.bin|test_batch.bin");
        result.Manifest.Items.Select(i => (i.ItemId, i.Label)).ShouldBe([("data_batch_2.bin/00000", "bird"), ("test_batch.bin/00000", "automobile")]);
    }

    [Fact]
    public async Task OpenAsync_NoStandardBatch_ThrowsInvalidData()
    {
        _directory.Write("data_batch_7.bin", Record(1, 1));

        await Should.ThrowAsync<InvalidDataException>(() => Cifar10Source.OpenAsync(new LocalFileTree(_directory.Path), TestContext.Current.CancellationToken));
    }

    public void Dispose() => _directory.Dispose();

    private Task<IngestResult> Ingest(string[] batches) =>
        DatasetIngestor.IngestAsync(new Cifar10Source(new LocalFileTree(_directory.Path), batches), "cifar", Terms, null, TestContext.Current.CancellationToken);

    private async Task<RgbImage> DecodeFirstAsync()
    {
        var source = new Cifar10Source(new LocalFileTree(_directory.Path), ["data_batch_1.bin"]);
        await foreach (var image in source.ReadAsync(TestContext.Current.CancellationToken))
        {
            ImageCodec.TryDecode(image.Content, out var decoded, out _).ShouldBeTrue();
            return decoded!;
        }

        throw new InvalidOperationException("no records");
    }

    private static byte[] Record(byte label, long seed)
    {
        var random = new DeterministicRandom((ulong)seed);
        var record = new byte[3073];
        record[0] = label;
        for (var i = 1; i < record.Length; i++)
        {
            record[i] = (byte)random.NextInt(256);
        }

        return record;
    }
}
