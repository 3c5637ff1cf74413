using Marten;
using Orchestrator.Audit.Replay;
using Weasel.Postgresql.Tables;

namespace Orchestrator.Audit.Ledger;

/// <summary>
/// The document tables of the inline projections (run summaries, model registry), which the ledger writes
/// itself in the append's statement batch. It writes the row Marten writes for these documents (id, JSON,
/// version, .NET type, last modified) and refuses to start when Marten's mapping has any other column
/// (a duplicated field, soft deletes, tenancy...), which the ledger would otherwise leave unset.
/// </summary>
internal sealed class ReadModelTables
{
    private static readonly string[] ExpectedColumns = ["data", "id", "mt_dotnet_type", "mt_last_modified", "mt_version"];

    public ReadModelTables(DocumentStore store)
    {
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
