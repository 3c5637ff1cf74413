using Marten;
using Npgsql;

namespace Orchestrator.Audit.Storage;

/// <summary>The ledger's database: one data source and one Marten store, shared by every ledger component of a process.</summary>
public sealed class LedgerDatabase : IAsyncDisposable, IDisposable
{
    private LedgerDatabase(NpgsqlDataSource dataSource, DocumentStore store, string schema)
    {
        DataSource = dataSource;
        Store = store;
        Schema = schema;
    }

    /// <summary>Raw access for the paths Marten does not cover (head lookups, verification, export).</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>The Marten store configured by <see cref="LedgerStore.Configure"/>.</summary>
    public DocumentStore Store { get; }

    /// <summary>The schema holding the ledger (a validated plain identifier).</summary>
    public string Schema { get; }

    /// <summary>Opens the ledger; with <paramref name="installSchema"/> the tables and triggers are created or updated first.</summary>
    public static async Task<LedgerDatabase> OpenAsync(string connectionString, string schema, bool installSchema, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        LedgerSchema.Identifier(schema);
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var store = DocumentStore.For(options =>
        {
            options.Connection(dataSource);
            LedgerStore.Configure(options, schema, installSchema);
        });
        var database = new LedgerDatabase(dataSource, store, schema);
        try
        {
            if (installSchema)
            {
                await LedgerSchema.ApplyAsync(store, dataSource, schema, cancellationToken).ConfigureAwait(false);
            }

            return database;
        }
        catch
        {
            await database.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Qualifies a table name with the ledger's schema.</summary>
    public string Table(string name) => $"{Schema}.{name}";

    public async ValueTask DisposeAsync()
    {
        Store.Dispose();
        await DataSource.DisposeAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        Store.Dispose();
        DataSource.Dispose();
    }
}
