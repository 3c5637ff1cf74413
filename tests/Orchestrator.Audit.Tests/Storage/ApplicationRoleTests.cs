using Npgsql;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Storage;

namespace Orchestrator.Audit.Tests.Storage;

/// <summary>The application's role appends and reads but cannot change or remove events; even the owner is stopped by the triggers.</summary>
public sealed class ApplicationRoleTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>, IAsyncLifetime
{
    private readonly string _role = $"audit_app_{Guid.NewGuid():N}"[..30];
    private LedgerDatabase? _appDatabase;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await ExecuteAsync(fixture.Postgres.ConnectionString, $"CREATE ROLE {_role} LOGIN PASSWORD 'app-secret'");
        await LedgerSchema.GrantApplicationRoleAsync(fixture.Database.DataSource, LedgerStore.DefaultSchema, _role, Token);
        var appConnection = new NpgsqlConnectionStringBuilder(fixture.Postgres.ConnectionString) { Username = _role, Password = "app-secret" }.ConnectionString;
        _appDatabase = await LedgerDatabase.OpenAsync(appConnection, LedgerStore.DefaultSchema, installSchema: false, Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_appDatabase is not null)
        {
            await _appDatabase.DisposeAsync();
        }

        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(fixture.Postgres.ConnectionString, $"DROP OWNED BY {_role}; DROP ROLE {_role}");
    }

    [Fact]
    public async Task ApplicationRole_AppendsAndReads_ThroughTheLedger()
    {
        var ledger = new MartenAuditLedger(_appDatabase!, TimeProvider.System);
        var stream = AuditStreams.Run($"role-{Guid.NewGuid():N}");

        var entry = await ledger.AppendAsync(stream, Samples.Requested("r"), Samples.User("r", "alice"), "requested", Token);

        (await ledger.ConfirmAsync(entry.Reference, Token)).IsConfirmed.ShouldBeTrue();
    }

    [Theory]
    [InlineData("UPDATE audit.mt_events SET data = '{}'::jsonb")]
    [InlineData("DELETE FROM audit.mt_events")]
    [InlineData("TRUNCATE audit.mt_events")]
    public async Task ApplicationRole_ChangingEvents_IsRefusedWithoutPrivilege(string sql)
    {
        await new MartenAuditLedger(_appDatabase!, TimeProvider.System).AppendAsync(
            AuditStreams.Run($"role-{Guid.NewGuid():N}"), Samples.Requested("r"), Samples.User("r", "alice"), "requested", Token);

        await using var command = _appDatabase!.DataSource.CreateCommand(sql);
        var refused = await Should.ThrowAsync<PostgresException>(() => command.ExecuteNonQueryAsync(Token));

        refused.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
    }

    [Theory]
    [InlineData("UPDATE audit.mt_events SET data = '{}'::jsonb")]
    [InlineData("DELETE FROM audit.mt_events")]
    [InlineData("TRUNCATE audit.mt_events")]
    public async Task Owner_ChangingEvents_IsRefusedByTheAppendOnlyTrigger(string sql)
    {
        await new MartenAuditLedger(fixture.Database, TimeProvider.System).AppendAsync(
            AuditStreams.Run($"owner-{Guid.NewGuid():N}"), Samples.Requested("r"), Samples.User("r", "alice"), "requested", Token);

        await using var command = fixture.Database.DataSource.CreateCommand(sql);
        var refused = await Should.ThrowAsync<PostgresException>(() => command.ExecuteNonQueryAsync(Token));

        refused.SqlState.ShouldBe(LedgerSchema.AppendOnlyState);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Token);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Token);
    }
}
