using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Projections;
using Weasel.Core;

namespace Orchestrator.Audit.Storage;

/// <summary>Marten settings shared by every process that reads or writes the ledger.</summary>
public static class LedgerStore
{
    /// <summary>The PostgreSQL schema that holds the ledger's tables.</summary>
    public const string DefaultSchema = "audit";

    /// <summary>Every event type of the ledger's contract, so any process can read streams it never wrote to.</summary>
    public static IReadOnlyList<Type> EventTypes { get; } = typeof(LedgerStore).Assembly.GetExportedTypes()
        .Where(t => t.Namespace is "Orchestrator.Audit.Events.Runs" or "Orchestrator.Audit.Events.Models" or "Orchestrator.Audit.Events.BaseModels" && t.IsClass)
        // ChampionComparison is a value inside ModelEvaluated, not an event of its own.
        .Where(t => t != typeof(ChampionComparison))
        .Append(typeof(CheckpointSigned))
        .Append(typeof(CheckpointSignedV2))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .ToArray();

    /// <summary>Applies the ledger's Marten configuration (the connection is the caller's) to <paramref name="options"/>.</summary>
    /// <param name="options">The Marten options to configure.</param>
    /// <param name="schema">The schema holding the ledger.</param>
    /// <param name="autoCreate">Let Marten create/update the schema (development, tests); false where a migration role installed it (production).</param>
    public static void Configure(StoreOptions options, string schema = DefaultSchema, bool autoCreate = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.DatabaseSchemaName = schema;
        options.Events.StreamIdentity = StreamIdentity.AsString;
        // The async daemon (HotCold) fails with "Multiplexing is currently incompatible with
        // DbDataSource" unless advisory locks are taken inside the transaction (ENVIRONMENT.md).
        options.Events.UseAdvisoryLockTransaction = true;
        // The ledger sets each event's timestamp itself: the hash covers it, so it must be the stored one.
        options.Events.AppendMode = EventAppendMode.QuickWithServerTimestamps;
        // Chain hash, previous hash, idempotency key and the audit context live in the event headers.
        options.Events.MetadataConfig.HeadersEnabled = true;
        // Event ids are derived from idempotency keys; the unique index turns a retried append into a no-op.
        options.Events.EnableUniqueIndexOnEventId = true;
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString);
        options.AutoCreateSchemaObjects = autoCreate ? AutoCreate.CreateOrUpdate : AutoCreate.None;
        options.Events.AddEventTypes(EventTypes);
        options.Projections.Add(new RunSummaryProjection(), ProjectionLifecycle.Inline);
        options.Projections.Add(new ModelRegistryProjection(), ProjectionLifecycle.Inline);
    }

    /// <summary>A document store for the ledger at <paramref name="connectionString"/> (tests and tools; services use <see cref="LedgerDatabase"/>).</summary>
    public static DocumentStore Create(string connectionString, string schema = DefaultSchema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return DocumentStore.For(options =>
        {
            options.Connection(connectionString);
            Configure(options, schema);
        });
    }
}
