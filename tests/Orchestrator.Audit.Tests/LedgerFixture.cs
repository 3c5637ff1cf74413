using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Storage;
using Orchestrator.Audit.Verification;
using Orchestrator.Testing;

namespace Orchestrator.Audit.Tests;

/// <summary>
/// A fresh database (per test class) with the ledger schema and triggers installed by the superuser, and a blob
/// container of the class's own for the checkpoint copies kept outside the database.
/// </summary>
public sealed class LedgerFixture : IAsyncLifetime
{
    /// <summary>How old uncovered entries may be in these tests' verifiers (the default checkpoint interval).</summary>
    public static readonly TimeSpan TailAllowance = TimeSpan.FromHours(1);

    public PostgresDatabase Postgres { get; } = new();

    /// <summary>The container the checkpoint copies go to (Azurite), deleted afterwards.</summary>
    public BlobContainer AnchorContainer { get; } = new();

    public LedgerDatabase Database { get; private set; } = null!;

    /// <summary>The copies of the class database's checkpoints.</summary>
    public BlobCheckpointAnchorStore Anchors { get; private set; } = null!;

    /// <summary>A development signing key for this class only, deleted afterwards.</summary>
    public CheckpointSigner Signer { get; private set; } = null!;

    private readonly string _keyPath = Path.Combine(Path.GetTempPath(), $"audit-key-{Guid.NewGuid():N}.pem");

    public async ValueTask InitializeAsync()
    {
        await Postgres.InitializeAsync();
        await AnchorContainer.InitializeAsync();
        Database = await LedgerDatabase.OpenAsync(Postgres.ConnectionString, LedgerStore.DefaultSchema, installSchema: true, CancellationToken.None);
        Anchors = new BlobCheckpointAnchorStore(AnchorContainer.Client, LedgerStore.DefaultSchema);
        Signer = CheckpointSigner.Load(_keyPath, generateIfMissing: true);
    }

    public CheckpointWriter NewCheckpointWriter() => new(Database, NewLedger(), Signer, Anchors, TimeProvider.System);

    public MartenAuditLedger NewLedger(TimeProvider? time = null) => new(Database, time ?? TimeProvider.System);

    public LedgerVerifier NewVerifier() => new(Database, Anchors, TailAllowance, TimeProvider.System);

    /// <summary>A ledger of the test's own (schema and copies), for tests that break the checkpoint stream or move the clock.</summary>
    public Task<LedgerScope> NewScopeAsync(TimeProvider? time = null) => LedgerScope.CreateAsync(this, time ?? TimeProvider.System);

    public async ValueTask DisposeAsync()
    {
        if (Database is not null)
        {
            await Database.DisposeAsync();
        }

        Signer?.Dispose();
        File.Delete(_keyPath);
        await AnchorContainer.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
