using Npgsql;

namespace Orchestrator.Benchmarks.Audit;

/// <summary>A throwaway database for one audit benchmark, dropped afterwards.</summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string _name = $"bench_audit_{Guid.NewGuid():N}";

    private BenchDatabase() => ConnectionString = new NpgsqlConnectionStringBuilder(BenchContext.PostgresConnectionString) { Database = _name }.ConnectionString;

    public string ConnectionString { get; }

    public static async Task<BenchDatabase> CreateAsync(CancellationToken cancellationToken)
    {
        var database = new BenchDatabase();
        await ExecuteAsync(BenchContext.PostgresConnectionString, $"CREATE DATABASE {database._name}", cancellationToken);
        return database;
    }

    public static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(BenchContext.PostgresConnectionString, $"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", CancellationToken.None);
    }
}
