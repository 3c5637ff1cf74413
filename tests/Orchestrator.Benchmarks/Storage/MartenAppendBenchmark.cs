using System.Text.Json;
using Marten;
using Npgsql;
using Orchestrator.Audit.Storage;

namespace Orchestrator.Benchmarks.Storage;

/// <summary>
/// The foundation's own figure: what Marten costs over PostgreSQL itself. Each append is one event
/// in its own transaction (the way a stage activity writes), against a raw INSERT of the same JSON
/// in its own round trip.
/// </summary>
public sealed class MartenAppendBenchmark : IBenchmark
{
    private sealed record SampleRecorded(string RunId, string Stage, string Digest, int Attempt);

    public string Name => "marten-append";

    public string Description => "Marten single-event appends/s vs raw Npgsql INSERT round trips/s of the same JSON";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var count = BenchContext.Scaled(2000);
        var database = $"bench_{Guid.NewGuid():N}";
        await ExecuteAsync(BenchContext.PostgresConnectionString, $"CREATE DATABASE {database}", cancellationToken);
        var connectionString = new NpgsqlConnectionStringBuilder(BenchContext.PostgresConnectionString) { Database = database }.ConnectionString;
        try
        {
            await using var store = LedgerStore.Create(connectionString, "bench");
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            await ExecuteAsync(connectionString, "CREATE TABLE raw_events (id bigserial PRIMARY KEY, stream text NOT NULL, data jsonb NOT NULL)", cancellationToken);
            await using var dataSource = NpgsqlDataSource.Create(connectionString);

            var events = Enumerable.Range(0, count)
                .Select(i => new SampleRecorded($"run-{i % 50}", "train", $"sha256:{i:x64}", 1))
                .ToArray();

            // Warm both paths (connection pool, JIT, Marten's generated code) before measuring.
            await AppendMartenAsync(store, events[0], "warm", cancellationToken);
            await InsertRawAsync(dataSource, events[0], "warm", cancellationToken);

            // Interleave rounds so drift in machine load hits both sides alike.
            var martenRates = new List<double>();
            var rawRates = new List<double>();
            var perRound = Math.Max(1, count / 4);
            for (var round = 0; round < 4; round++)
            {
                martenRates.Add(await Measure.ThroughputAsync(perRound, i => AppendMartenAsync(store, events[i], $"m-{round}-{i % 50}", cancellationToken)));
                rawRates.Add(await Measure.ThroughputAsync(perRound, i => InsertRawAsync(dataSource, events[i], $"r-{round}-{i % 50}", cancellationToken)));
            }

            context.Ratio(Measure.Median(martenRates), Measure.Median(rawRates), "appends/s");
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(BenchContext.PostgresConnectionString, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)", CancellationToken.None);
        }
    }

    private static async Task AppendMartenAsync(DocumentStore store, SampleRecorded recorded, string stream, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        session.Events.Append(stream, recorded);
        await session.SaveChangesAsync(cancellationToken);
    }

    private static async Task InsertRawAsync(NpgsqlDataSource dataSource, SampleRecorded recorded, string stream, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("INSERT INTO raw_events (stream, data) VALUES ($1, $2::jsonb)");
        command.Parameters.AddWithValue(stream);
        command.Parameters.AddWithValue(JsonSerializer.Serialize(recorded));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
