using JasperFx;
using JasperFx.Events;
using Marten;

namespace Orchestrator.Audit.Storage;

/// <summary>Marten settings shared by every process that reads or writes the ledger.</summary>
public static class LedgerStore
{
    /// <summary>The PostgreSQL schema that holds the ledger's tables.</summary>
    public const string DefaultSchema = "audit";

    /// <summary>Applies the ledger's Marten configuration to <paramref name="options"/>.</summary>
    public static void Configure(StoreOptions options, string connectionString, string schema = DefaultSchema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        options.Connection(connectionString);
        options.DatabaseSchemaName = schema;
        options.Events.StreamIdentity = StreamIdentity.AsString;
        // The async daemon (HotCold) fails with "Multiplexing is currently incompatible with
        // DbDataSource" unless advisory locks are taken inside the transaction (ENVIRONMENT.md).
        options.Events.UseAdvisoryLockTransaction = true;
        options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
    }

    /// <summary>A document store for the ledger at <paramref name="connectionString"/>.</summary>
    public static DocumentStore Create(string connectionString, string schema = DefaultSchema) =>
        DocumentStore.For(options => Configure(options, connectionString, schema));
}
