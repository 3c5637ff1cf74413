using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Storage;
using Orchestrator.Testing;

namespace Orchestrator.Audit.Tests;

/// <summary>A fresh database (per test class) with the ledger schema and triggers installed by the superuser.</summary>
public sealed class LedgerFixture : IAsyncLifetime
{
    public PostgresDatabase Postgres { get; } = new();

    public LedgerDatabase Database { get; private set; } = null!;

    /// <summary>A development signing key for this class only, deleted afterwards.</summary>
    public CheckpointSigner Signer { get; private set; } = null!;

    private readonly string _keyPath = Path.Combine(Path.GetTempPath(), $"audit-key-{Guid.NewGuid():N}.pem");

    public async ValueTask InitializeAsync()
    {
        await Postgres.InitializeAsync();
        Database = await LedgerDatabase.OpenAsync(Postgres.ConnectionString, LedgerStore.DefaultSchema, installSchema: true, CancellationToken.None);
        Signer = CheckpointSigner.Load(_keyPath, generateIfMissing: true);
    }

    public CheckpointWriter NewCheckpointWriter() => new(Database, NewLedger(), Signer, TimeProvider.System);

    public MartenAuditLedger NewLedger(TimeProvider? time = null) => new(Database, time ?? TimeProvider.System);

    public async ValueTask DisposeAsync()
    {
        if (Database is not null)
        {
            await Database.DisposeAsync();
        }

        Signer?.Dispose();
        File.Delete(_keyPath);
        await Postgres.DisposeAsync();
    }
}
