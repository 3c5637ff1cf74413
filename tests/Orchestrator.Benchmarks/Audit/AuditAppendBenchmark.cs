using Marten;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Storage;

namespace Orchestrator.Benchmarks.Audit;

/// <summary>
/// Hash-chained, idempotent ledger appends against plain Marten appends of the same events, one event per
/// transaction as a stage activity writes. One writer, then eight concurrent writers on distinct streams.
/// The baseline is Marten's session API (<c>LightweightSession</c>, <c>Events.Append</c>,
/// <c>SaveChangesAsync</c>) on a store with the ledger's configuration, the two inline projections included,
/// so both sides maintain the same read models. The ledger does not go through the session: it sends one
/// prepared batch (Marten's append function plus the document upserts, ADR 0018), so a ratio above 1
/// measures that write path against Marten's session, with the chain (hashing, headers, guard trigger)
/// paid on top; it does not mean the chain is free.
/// </summary>
public sealed class AuditAppendBenchmark : IBenchmark
{
    public string Name => "audit-append";

    public string Description => "hash-chained ledger appends/s vs plain Marten appends/s of the same events (1 and 8 writers)";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var perWriter = BenchContext.Scaled(400);
        await using var database = await BenchDatabase.CreateAsync(cancellationToken);
        await using var ledgerDatabase = await LedgerDatabase.OpenAsync(database.ConnectionString, "chained", installSchema: true, cancellationToken);
        var ledger = new MartenAuditLedger(ledgerDatabase, TimeProvider.System);
        await using var plain = DocumentStore.For(options =>
        {
            options.Connection(database.ConnectionString);
            LedgerStore.Configure(options, "plain");
        });
        await plain.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var context0 = new AuditContext(Actor.Service("orchestrator-worker", "bench@host"), new Correlation("pipeline-bench", "bench"), "activity-1",
            [new EvidenceDigest("checkpoint", new string('c', 64), "blob://checkpoints/bench")]);

        // Warm both paths (pools, JIT, Marten's generated code).
        await ledger.AppendAsync("run-warm", Epoch(0), context0, "warm", cancellationToken);
        await PlainAsync(plain, "run-warm", Epoch(0), cancellationToken);

        foreach (var writers in new[] { 1, 8 })
        {
            var chained = new List<double>();
            var baseline = new List<double>();
            var rounds = 10;
            for (var round = 0; round < rounds; round++)
            {
                var n = perWriter / rounds;
                // Interleaved rounds so drift in machine load hits both sides alike.
                chained.Add(await Measure.ConcurrentThroughputAsync(writers, n, (w, i) =>
                    ledger.AppendAsync($"run-c{writers}-{round}-{w}", Epoch(i), context0, $"wf/train/epoch-{i}", cancellationToken)));
                baseline.Add(await Measure.ConcurrentThroughputAsync(writers, n, (w, i) =>
                    PlainAsync(plain, $"run-p{writers}-{round}-{w}", Epoch(i), cancellationToken)));
            }

            context.Ratio(Measure.Median(chained), Measure.Median(baseline), "appends/s", writers == 1 ? "1-writer" : $"{writers}-writers");
        }
    }

    private static TrainingEpochCompleted Epoch(int epoch) => new(epoch, 1.0 / (epoch + 1), 1.2 / (epoch + 1), 0.5 + (epoch % 50 / 100.0), new string('c', 64));

    private static async Task PlainAsync(DocumentStore store, string stream, object @event, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        session.Events.Append(stream, @event);
        await session.SaveChangesAsync(cancellationToken);
    }
}
