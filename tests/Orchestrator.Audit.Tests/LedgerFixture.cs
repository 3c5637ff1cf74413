using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Storage;
using Orchestrator.Testing;

namespace Orchestrator.Audit.Tests;

/// <summary>A fresh database (per test class) with the ledger schema and triggers installed by the superuser.</summary>
public sealed class LedgerFixture : IAsyncLifetime
{
    public PostgresDatabase Postgres { get; } = new();

    public LedgerDatabase Database { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await Postgres.InitializeAsync();
        Database = await LedgerDatabase.OpenAsync(Postgres.ConnectionString, LedgerStore.DefaultSchema, installSchema: true, CancellationToken.None);
    }

    public MartenAuditLedger NewLedger(TimeProvider? time = null) => new(Database, time ?? TimeProvider.System);

    public async ValueTask DisposeAsync()
    {
        if (Database is not null)
        {
            await Database.DisposeAsync();
        }

        await Postgres.DisposeAsync();
    }
}
