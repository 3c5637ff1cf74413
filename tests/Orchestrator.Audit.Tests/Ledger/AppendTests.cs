using Npgsql;
using Orchestrator.Audit.Canonical;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Contracts;

namespace Orchestrator.Audit.Tests.Ledger;

public sealed class AppendTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AppendAsync_NewStream_ChainsFromGenesisAndStoresWhatWasHashed()
    {
        var ledger = fixture.NewLedger();
        var stream = AuditStreams.Run($"r-{Guid.NewGuid():N}");

        var first = await ledger.AppendAsync(stream, Samples.Requested("r1"), Samples.User("r1", "alice", "ml-engineer"), "wf/requested", Token);
        var second = await ledger.AppendAsync(stream, Samples.Dataset(), Samples.Worker("r1"), "wf/act-1/dataset-acquired", Token);

        first.Version.ShouldBe(1);
        first.PreviousHash.ShouldBe(CanonicalEntry.GenesisHash);
        second.Version.ShouldBe(2);
        second.PreviousHash.ShouldBe(first.Hash);
        var stored = await ledger.ReadStreamAsync(stream, cancellationToken: Token);
        stored.Select(e => e.Hash).ShouldBe([first.Hash, second.Hash]);
        stored[1].Data.ShouldBeOfType<Events.Runs.DatasetAcquired>().ItemCount.ShouldBe(1200);
        stored[1].Context.Actor.Worker.ShouldBe("worker-1@host");
        stored[1].RecordedAt.ShouldBe(second.RecordedAt);
        stored[1].Sequence.ShouldBeGreaterThan(stored[0].Sequence);
    }

    [Fact]
    public async Task AppendAsync_NonFiniteFigure_RefusedNamingItAndNothingWritten()
    {
        var ledger = fixture.NewLedger();
        var stream = AuditStreams.Run($"r-{Guid.NewGuid():N}");
        var diverged = new Events.Runs.TrainingEpochCompleted(1, double.NaN, 0.5, 0.9, Digest.FromHex(new string('a', 64)).ToString());

        var refused = await Should.ThrowAsync<NonFiniteNumberException>(
            () => ledger.AppendAsync(stream, diverged, Samples.Worker("r1"), "wf/act-1/epoch-1", Token));

        refused.Message.ShouldBe($"TrainingEpochCompleted on {stream} cannot be recorded: TrainLoss is NaN; audit entries and evidence hold finite numbers only");
        (await ledger.ReadStreamAsync(stream, cancellationToken: Token)).ShouldBeEmpty();
    }

    [Fact]
    public void FindNonFinite_InfinityInsideAList_NamesTheElement() =>
        FiniteNumbers.FindNonFinite(new Events.Runs.TrainingCompleted(2, "sha256:x", [0.5, double.PositiveInfinity], [0.9, 0.8]))
            .ShouldBe(("LossCurve[1]", "+infinity"));

    [Fact]
    public async Task AppendAsync_SameKeyRetried_ReturnsFirstEntryWithoutSecondRow()
    {
        var stream = AuditStreams.Run($"r-{Guid.NewGuid():N}");
        var first = await fixture.NewLedger().AppendAsync(stream, Samples.Dataset(), Samples.Worker("r1"), "wf/act-1/dataset-acquired", Token);

        // A retry on another worker: a fresh ledger instance (no cached head) and a different worker identity.
        var retryContext = Samples.Worker("r1") with { Actor = Actor.Service("orchestrator-worker", "worker-2@other") };
        var retried = await fixture.NewLedger().AppendAsync(stream, Samples.Dataset(), retryContext, "wf/act-1/dataset-acquired", Token);

        retried.Reference.ShouldBe(first.Reference);
        (await fixture.NewLedger().ReadStreamAsync(stream, cancellationToken: Token)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task AppendAsync_SameKeyDifferentEvent_Throws()
    {
        var stream = AuditStreams.Run($"r-{Guid.NewGuid():N}");
        var ledger = fixture.NewLedger();
        await ledger.AppendAsync(stream, Samples.Dataset(1200), Samples.Worker("r1"), "wf/act-1/dataset-acquired", Token);

        await Should.ThrowAsync<IdempotencyConflictException>(
            () => ledger.AppendAsync(stream, Samples.Dataset(999), Samples.Worker("r1"), "wf/act-1/dataset-acquired", Token));
    }

    [Fact]
    public async Task AppendAsync_ConcurrentWritersOnOneStream_KeepOneUnbrokenChain()
    {
        var stream = AuditStreams.Run($"r-{Guid.NewGuid():N}");
        // Four ledger instances stand for four worker processes: no shared cache, only the database decides.
        var ledgers = Enumerable.Range(0, 4).Select(_ => fixture.NewLedger()).ToArray();

        var appends = Enumerable.Range(0, 40).Select(i =>
            Task.Run(() => ledgers[i % ledgers.Length].AppendAsync(stream, Samples.Epoch(i), Samples.Worker("r1"), $"wf/train/epoch-{i}", Token), Token));
        var entries = await Task.WhenAll(appends);

        entries.Select(e => e.Version).Order().ShouldBe(Enumerable.Range(1, 40).Select(v => (long)v));
        var stored = await fixture.NewLedger().ReadStreamAsync(stream, maxCount: 100, cancellationToken: Token);
        var previous = CanonicalEntry.GenesisHash;
        foreach (var entry in stored)
        {
            entry.PreviousHash.ShouldBe(previous);
            previous = entry.Hash;
        }

        stored.Count.ShouldBe(40);
    }

    [Fact]
    public async Task ChainGuard_InsertNotLinkedToHead_IsRefusedByTheDatabase()
    {
        var stream = AuditStreams.Run($"r-{Guid.NewGuid():N}");
        await fixture.NewLedger().AppendAsync(stream, Samples.Requested("r1"), Samples.User("r1", "alice"), "wf/requested", Token);

        await using var command = fixture.Database.DataSource.CreateCommand(
            "INSERT INTO audit.mt_events (seq_id, id, stream_id, version, data, type, timestamp, headers, mt_dotnet_type) "
            + "SELECT nextval('audit.mt_events_sequence'), gen_random_uuid(), $1, 2, '{}'::jsonb, 'run_started', now(), "
            + "jsonb_build_object('prev', repeat('f', 64), 'hash', repeat('e', 64)), 'x'");
        command.Parameters.Add(new() { Value = stream });

        var refused = await Should.ThrowAsync<PostgresException>(() => command.ExecuteNonQueryAsync(Token));
        refused.SqlState.ShouldBe(Audit.Storage.LedgerSchema.ChainConflictState);
    }
}
