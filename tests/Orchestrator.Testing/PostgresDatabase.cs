using Npgsql;
using Xunit;

namespace Orchestrator.Testing;

/// <summary>
/// A fresh, empty PostgreSQL database for one test class (use as IClassFixture), dropped afterwards,
/// so tests never share database state.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    private string? _serverConnectionString;

    public string Name { get; } = $"test_{Guid.NewGuid():N}";

    /// <summary>Superuser connection string of the fresh database.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>Superuser connection string of the server's maintenance database (for creating roles and databases).</summary>
    public string ServerConnectionString => _serverConnectionString ?? throw new InvalidOperationException("The fixture is not initialised.");

    public async ValueTask InitializeAsync()
    {
        _serverConnectionString = await TestServers.PostgresAsync();
        await using (var connection = new NpgsqlConnection(_serverConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{Name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = Name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_serverConnectionString is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
