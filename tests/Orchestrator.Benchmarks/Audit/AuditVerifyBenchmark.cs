using System.Diagnostics;
using Azure.Storage.Blobs;
using Npgsql;
using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Storage;
using Orchestrator.Audit.Verification;

namespace Orchestrator.Benchmarks.Audit;

/// <summary>
/// Full verification of a million-event ledger (re-walk, re-hash, signed checkpoint compared with its copy
/// outside the database) against a raw streamed Npgsql read of the same rows, which is the floor any
/// verification has to pay.
/// </summary>
public sealed class AuditVerifyBenchmark : IBenchmark
{
    public string Name => "audit-verify";

    public string Description => "full ledger verification of 1,000,000 events vs a raw streamed Npgsql read of the same rows";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        const int eventsPerStream = 100;
        var streams = Math.Max(1, BenchContext.Scaled(1_000_000) / eventsPerStream);
        await using var database = await BenchDatabase.CreateAsync(cancellationToken);
        await using var ledger = await LedgerDatabase.OpenAsync(database.ConnectionString, "audit", installSchema: true, cancellationToken);
        var watch = Stopwatch.StartNew();
        await LedgerGenerator.FillAsync(ledger, database.ConnectionString, streams, eventsPerStream, cancellationToken);
        var keyPath = Path.Combine(Path.GetTempPath(), $"bench-audit-key-{Guid.NewGuid():N}.pem");
        var copies = new BlobContainerClient(BenchContext.BlobConnectionString, $"bench-anchors-{Guid.NewGuid():N}");
        try
        {
            using var signer = CheckpointSigner.Load(keyPath, generateIfMissing: true);
            var anchors = new BlobCheckpointAnchorStore(copies, "bench/");
            await new CheckpointWriter(ledger, new MartenAuditLedger(ledger, TimeProvider.System), signer, anchors, TimeProvider.System).TakeAsync(cancellationToken);
            BenchContext.Note($"generated {streams * eventsPerStream:N0} events in {streams:N0} streams and a checkpoint in {watch.Elapsed.TotalSeconds:0.0} s");

            var verifier = new LedgerVerifier(ledger, anchors, TimeSpan.FromHours(1), TimeProvider.System);
            // Warm-up: JIT and the table's pages in PostgreSQL's cache for both sides (one stream is enough to JIT the verifier).
            await RawReadAsync(ledger, cancellationToken);
            await verifier.VerifyStreamAsync(AuditStreams.Run("bench-000000"), signer.PublicKeyPem, cancellationToken);
            var verifyTimes = new List<double>();
            var rawTimes = new List<double>();
            VerificationReport? report = null;
            for (var round = 0; round < 2; round++)
            {
                watch.Restart();
                report = await verifier.VerifyAsync(signer.PublicKeyPem, cancellationToken);
                verifyTimes.Add(watch.Elapsed.TotalSeconds);
                watch.Restart();
                var rows = await RawReadAsync(ledger, cancellationToken);
                rawTimes.Add(watch.Elapsed.TotalSeconds);
                BenchContext.Note($"round {round}: verify {verifyTimes[^1]:0.00} s ({report.EventsChecked:N0} events, valid={report.IsValid}), raw read {rawTimes[^1]:0.00} s ({rows:N0} rows)");
            }

            if (report is not { State: VerificationState.Verified })
            {
                throw new InvalidOperationException($"the generated ledger did not verify: {report?.FirstFailure}");
            }

            var events = (double)report.EventsChecked;
            context.Ratio(events / Measure.Median(verifyTimes), events / Measure.Median(rawTimes), "events/s");
            context.Value(Measure.Median(verifyTimes), "s", "absolute");
        }
        finally
        {
            File.Delete(keyPath);
            await copies.DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
        }
    }

    /// <summary>The floor: every column of every event row streamed and materialised as strings, nothing computed.</summary>
    private static async Task<long> RawReadAsync(LedgerDatabase ledger, CancellationToken cancellationToken)
    {
        await using var command = ledger.DataSource.CreateCommand(
            $"SELECT stream_id, version, seq_id, type, timestamp, data::text, headers::text FROM {ledger.Table("mt_events")} ORDER BY stream_id, version");
        command.CommandTimeout = 0;
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
        long rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            _ = reader.GetString(0);
            _ = reader.GetInt64(1);
            _ = reader.GetInt64(2);
            _ = reader.GetString(3);
            _ = reader.GetFieldValue<DateTime>(4);
            _ = reader.GetString(5);
            _ = reader.IsDBNull(6) ? null : reader.GetString(6);
            rows++;
        }

        return rows;
    }
}
