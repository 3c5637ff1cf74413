using JasperFx.Events.Projections;
using Marten;
using Orchestrator.Audit.Projections;
using Orchestrator.Audit.Replay;
using Weasel.Postgresql.Tables;

namespace Orchestrator.Audit.Ledger;

/// <summary>
/// The document tables of the inline projections (run summaries, model registry), which the ledger writes
/// itself in the append's statement batch. It writes the row Marten writes for these documents (id, JSON,
/// version, .NET type, last modified) and refuses to start when Marten's mapping has any other column
/// (a duplicated field, soft deletes, tenancy...), which the ledger would otherwise leave unset, or when the
/// store has an inline projection the ledger does not apply.
/// </summary>
internal sealed class ReadModelTables
{
    private static readonly string[] ExpectedColumns = ["data", "id", "mt_dotnet_type", "mt_last_modified", "mt_version"];

    public ReadModelTables(DocumentStore store)
    {
        var inline = store.Options.Projections.All.Where(p => p.Lifecycle == ProjectionLifecycle.Inline).Select(p => p.GetType()).OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
        if (!inline.SequenceEqual([typeof(ModelRegistryProjection), typeof(RunSummaryProjection)]))
        {
            throw new NotSupportedException(
                $"The ledger applies the inline projections itself and knows RunSummaryProjection and ModelRegistryProjection; the store has {string.Join(", ", inline.Select(t => t.Name))}. "
                + "Add the new read model to AppendBatch and StreamState (docs/adr/0018-one-round-trip-ledger-append.md), or make it asynchronous.");
        }

        Run = TableOf(store, typeof(RunSummary));
        Model = TableOf(store, typeof(ModelRegistryEntry));
    }

    /// <summary>The qualified table of <see cref="RunSummary"/> documents.</summary>
    public string Run { get; }

    /// <summary>The qualified table of <see cref="ModelRegistryEntry"/> documents.</summary>
    public string Model { get; }

    /// <summary>Marten's upsert of a projected document with a known stream version, as one statement.</summary>
    public static string Upsert(string table) =>
        $"INSERT INTO {table} (id, data, mt_version, mt_dotnet_type, mt_last_modified) VALUES ($1, $2, $3, $4, transaction_timestamp()) "
        + "ON CONFLICT (id) DO UPDATE SET data = excluded.data, mt_version = excluded.mt_version, "
        + "mt_dotnet_type = excluded.mt_dotnet_type, mt_last_modified = excluded.mt_last_modified";

    private static string TableOf(DocumentStore store, Type documentType)
    {
        var table = store.Options.Storage.FindFeature(documentType).Objects.OfType<Table>().Single();
        var columns = table.Columns.Select(c => c.Name).Order(StringComparer.Ordinal).ToArray();
        if (!columns.SequenceEqual(ExpectedColumns, StringComparer.Ordinal))
        {
            throw new NotSupportedException(
                $"The ledger writes {documentType.Name} documents itself and knows the columns {string.Join(", ", ExpectedColumns)}; "
                + $"Marten maps {table.Identifier.QualifiedName} to {string.Join(", ", columns)}. Update ReadModelTables with the mapping.");
        }

        return table.Identifier.QualifiedName;
    }
}
