using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Orchestrator.Audit.Canonical;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Storage;

namespace Orchestrator.Benchmarks.Audit;

/// <summary>
/// Fills a ledger with a valid hash-chained history quickly: entries are built and hashed exactly as the
/// ledger does, then bulk-loaded with COPY (triggers off, as a superuser restoring data would), because
/// a million single-event transactions would take far longer than the verification being measured.
/// </summary>
internal static class LedgerGenerator
{
    public static async Task FillAsync(LedgerDatabase ledger, string superuserConnectionString, int streams, int eventsPerStream, CancellationToken cancellationToken)
    {
        var serializer = ledger.Store.Options.Serializer();
        var context = new AuditContext(Actor.Service("orchestrator-worker", "bench@host"), new Correlation("pipeline-bench", "bench"), "activity-1",
            [new EvidenceDigest("checkpoint", new string('c', 64), "blob://checkpoints/bench")]);
        var contextJson = serializer.ToJson(context);
        var contextBytes = Encoding.UTF8.GetBytes(contextJson);
        var type = LedgerJson.TypeName(typeof(TrainingEpochCompleted));
        var dotnetType = $"{typeof(TrainingEpochCompleted).FullName}, {typeof(TrainingEpochCompleted).Assembly.GetName().Name}";
        var start = CanonicalEntry.ToStoredPrecision(DateTimeOffset.UtcNow.AddDays(-30));

        await using var connection = new NpgsqlConnection(superuserConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var replica = new NpgsqlCommand("SET session_replication_role = replica", connection))
        {
            await replica.ExecuteNonQueryAsync(cancellationToken);
        }

        long sequence = 0;
        await using (var events = await connection.BeginBinaryImportAsync(
            $"COPY {ledger.Schema}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, mt_dotnet_type, headers) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (var s = 0; s < streams; s++)
            {
                var stream = AuditStreams.Run($"bench-{s:D6}");
                var previous = CanonicalEntry.GenesisHash;
                for (var v = 1; v <= eventsPerStream; v++)
                {
                    sequence++;
                    var data = serializer.ToJson(new TrainingEpochCompleted(v, 1.0 / v, 1.2 / v, 0.5 + (v % 50 / 100.0), new string('c', 64)));
                    var recordedAt = start.AddTicks(sequence * 10);
                    var key = $"wf/train/epoch-{v}";
                    var fields = new EntryFields(stream, v, type, CanonicalEntry.FormatTime(recordedAt), key, contextBytes, Encoding.UTF8.GetBytes(data));
                    var hash = CanonicalEntry.Hash(previous, fields);
                    var headers = $$"""{"spec":1,"key":{{JsonSerializer.Serialize(key)}},"recordedAt":"{{fields.RecordedAt}}","context":{{contextJson}},"prev":"{{previous}}","hash":"{{hash}}"}""";
                    await events.StartRowAsync(cancellationToken);
                    await events.WriteAsync(sequence, NpgsqlDbType.Bigint, cancellationToken);
                    await events.WriteAsync(IdempotencyKeys.EventId(stream, key), NpgsqlDbType.Uuid, cancellationToken);
                    await events.WriteAsync(stream, NpgsqlDbType.Varchar, cancellationToken);
                    await events.WriteAsync((long)v, NpgsqlDbType.Bigint, cancellationToken);
                    await events.WriteAsync(data, NpgsqlDbType.Jsonb, cancellationToken);
                    await events.WriteAsync(type, NpgsqlDbType.Varchar, cancellationToken);
                    await events.WriteAsync(recordedAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                    await events.WriteAsync(dotnetType, NpgsqlDbType.Varchar, cancellationToken);
                    await events.WriteAsync(headers, NpgsqlDbType.Jsonb, cancellationToken);
                    previous = hash;
                }
            }

            await events.CompleteAsync(cancellationToken);
        }

        await using (var streamRows = await connection.BeginBinaryImportAsync(
            $"COPY {ledger.Schema}.mt_streams (id, version) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (var s = 0; s < streams; s++)
            {
                await streamRows.StartRowAsync(cancellationToken);
                await streamRows.WriteAsync(AuditStreams.Run($"bench-{s:D6}"), NpgsqlDbType.Varchar, cancellationToken);
                await streamRows.WriteAsync((long)eventsPerStream, NpgsqlDbType.Bigint, cancellationToken);
            }

            await streamRows.CompleteAsync(cancellationToken);
        }

        await using var finish = new NpgsqlCommand(
            $"SELECT setval('{ledger.Schema}.mt_events_sequence', {sequence}); ANALYZE {ledger.Schema}.mt_events; ANALYZE {ledger.Schema}.mt_streams;", connection) { CommandTimeout = 0 };
        await finish.ExecuteNonQueryAsync(cancellationToken);
    }
}
