using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Verification;

namespace Orchestrator.Audit.Tests.Verification;

/// <summary>
/// Full verification hands whole streams to the walkers in batches whose bytes live in recycled arenas: streams
/// spread over many batches and walkers, and an entry larger than an arena, verify the same as one batch would.
/// </summary>
public sealed class BatchedVerificationTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task VerifyAsync_StreamsInOneRowBatches_AreValidThenNameTheTamperedEntry()
    {
        var streams = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            streams.Add(await WriteRunAsync(epochs: 4));
        }

        // A batch closes at the first new stream after one row: every stream is its own batch, reused by the walkers.
        var verifier = new LedgerVerifier(fixture.Database, fixture.Anchors, LedgerFixture.TailAllowance, TimeProvider.System, batchSize: 1);
        var clean = await verifier.VerifyAsync(fixture.Signer.PublicKeyPem, Token);
        clean.IsValid.ShouldBeTrue(string.Join("; ", clean.Failures));
        // The class's other test may have written its stream to the same database first.
        clean.EventsChecked.ShouldBeGreaterThanOrEqualTo(streams.Count * 5);
        clean.StreamsChecked.ShouldBeGreaterThanOrEqualTo(streams.Count);

        var tampered = streams.Order(StringComparer.Ordinal).ElementAt(4);
        await Superuser.ExecuteAsync(fixture.Postgres.ConnectionString,
            "UPDATE audit.mt_events SET data = jsonb_set(data, '{Epoch}', '7') WHERE stream_id = $1 AND version = 3", tampered);

        var report = await verifier.VerifyAsync(fixture.Signer.PublicKeyPem, Token);
        var failure = report.Failures.ShouldHaveSingleItem();
        failure.Kind.ShouldBe(FailureKind.ContentMismatch, failure.ToString());
        failure.StreamId.ShouldBe(tampered);
        failure.Version.ShouldBe(3);
        report.EventsChecked.ShouldBe(clean.EventsChecked);
    }

    [Fact]
    public async Task VerifyStreamAsync_EntryLargerThanAnArena_IsValid()
    {
        var runId = $"r-{Guid.NewGuid():N}";
        var stream = AuditStreams.Run(runId);
        // About 2 MB of data: larger than a batch arena's initial megabyte, so the arena grows mid-batch.
        var classes = Enumerable.Range(0, 60_000).ToDictionary(i => $"class-{i:D6}-{new string('x', 16)}", i => i);
        await fixture.NewLedger().AppendAsync(stream, new DatasetAcquired("blob://raw/big", new string('d', 64), 60_000, classes, "CC-BY-4.0", "7y"),
            Samples.Worker(runId), "dataset", Token);
        await fixture.NewLedger().AppendAsync(stream, Samples.Epoch(1), Samples.Worker(runId), "epoch-1", Token);

        var report = await fixture.NewVerifier().VerifyStreamAsync(stream, fixture.Signer.PublicKeyPem, Token);

        report.IsValid.ShouldBeTrue(string.Join("; ", report.Failures));
        report.EventsChecked.ShouldBe(2);
    }

    private async Task<string> WriteRunAsync(int epochs)
    {
        var runId = $"r-{Guid.NewGuid():N}";
        var stream = AuditStreams.Run(runId);
        var ledger = fixture.NewLedger();
        await ledger.AppendAsync(stream, Samples.Requested(runId), Samples.User(runId, "alice", "ml-engineer"), "requested", Token);
        for (var epoch = 1; epoch <= epochs; epoch++)
        {
            await ledger.AppendAsync(stream, Samples.Epoch(epoch), Samples.Worker(runId), $"epoch-{epoch}", Token);
        }

        return stream;
    }
}
