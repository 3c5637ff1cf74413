using System.Globalization;
using Azure.Storage.Blobs;
using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Storage;
using Orchestrator.Audit.Tests.Verification;
using Orchestrator.Audit.Verification;

namespace Orchestrator.Audit.Tests;

/// <summary>
/// One test's own ledger: a schema of its own in the class's database and a folder of its own in the class's
/// anchor container, so the test can break the checkpoint stream (or its copies) without breaking its neighbours'.
/// </summary>
public sealed class LedgerScope : IAsyncDisposable
{
    private readonly LedgerFixture _fixture;
    private readonly TimeProvider _time;

    private LedgerScope(LedgerFixture fixture, TimeProvider time, string schema, LedgerDatabase database)
    {
        _fixture = fixture;
        _time = time;
        Schema = schema;
        Database = database;
        Anchors = new BlobCheckpointAnchorStore(fixture.AnchorContainer.Client, schema);
        Ledger = new MartenAuditLedger(database, time);
    }

    public string Schema { get; }

    public LedgerDatabase Database { get; }

    public BlobCheckpointAnchorStore Anchors { get; }

    public MartenAuditLedger Ledger { get; }

    public CheckpointWriter Checkpoints => new(Database, Ledger, _fixture.Signer, Anchors, _time);

    public string PublicKeyPem => _fixture.Signer.PublicKeyPem;

    /// <summary>A verifier whose clock is this scope's (or <paramref name="now"/>).</summary>
    public LedgerVerifier Verifier(TimeProvider? now = null) => new(Database, Anchors, LedgerFixture.TailAllowance, now ?? _time);

    /// <summary>The blob holding the copy of checkpoint <paramref name="number"/>.</summary>
    public BlobClient Copy(long number) =>
        _fixture.AnchorContainer.Client.GetBlobClient($"{Schema}/checkpoint-{number.ToString("D12", CultureInfo.InvariantCulture)}.json");

    /// <summary>Runs SQL as the superuser with the triggers off; "ledger." in it names this scope's schema.</summary>
    public Task TamperAsync(string sql, params object[] parameters) =>
        Superuser.ExecuteAsync(_fixture.Postgres.ConnectionString, sql.Replace("ledger.", Schema + ".", StringComparison.Ordinal), parameters);

    public static async Task<LedgerScope> CreateAsync(LedgerFixture fixture, TimeProvider time)
    {
        var schema = $"s_{Guid.NewGuid():N}";
        var database = await LedgerDatabase.OpenAsync(fixture.Postgres.ConnectionString, schema, installSchema: true, CancellationToken.None);
        return new LedgerScope(fixture, time, schema, database);
    }

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}
