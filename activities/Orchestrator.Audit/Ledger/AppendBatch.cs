using Marten;
using Marten.Events;
using Npgsql;
using NpgsqlTypes;
using Orchestrator.Audit.Canonical;
using Orchestrator.Audit.Replay;
using Orchestrator.Audit.Storage;

namespace Orchestrator.Audit.Ledger;

/// <summary>
/// One ledger append in one round trip (docs/adr/0018-one-round-trip-ledger-append.md): a prepared statement
/// batch, which PostgreSQL runs as one implicit transaction, of Marten's own append function
/// (<c>mt_quick_append_events</c>: the same event and stream rows, through the chain guard trigger) and the
/// upserts of the inline read models the event changes. A failing statement rolls the whole batch back.
/// </summary>
internal sealed class AppendBatch
{
    private readonly LedgerDatabase _database;
    private readonly ISerializer _serializer;
    private readonly EventGraph _events;
    private readonly string _append;
    private readonly string _upsertRun;
    private readonly string _upsertModel;
    private readonly string _state;

    public AppendBatch(LedgerDatabase database)
    {
        _database = database;
        _serializer = database.Store.Options.Serializer();
        _events = (EventGraph)database.Store.Options.Events;
        var tables = new ReadModelTables(database.Store);
        // Arguments as Marten passes them for a quick append of one event: no aggregate type, the default
        // tenant, no binary body, no expected version (the chain guard checks the link instead).
        _append = EventTables.QuickAppend(database, JasperFx.StorageConstants.DefaultTenantId);
        _upsertRun = ReadModelTables.Upsert(tables.Run);
        _upsertModel = ReadModelTables.Upsert(tables.Model);
        // One statement, so one snapshot: the read models are those of the head it returns.
        _state = EventTables.StreamState(database, tables.Run, tables.Model);
    }

    /// <summary>The serializer Marten uses for this store (event data, headers, documents).</summary>
    public ISerializer Serializer => _serializer;

    /// <summary>Reads a stream's head and read models in one statement.</summary>
    public async Task<StreamState> StateAsync(string streamId, CancellationToken cancellationToken)
    {
        await using var command = _database.DataSource.CreateCommand(_state);
        command.Parameters.Add(new() { Value = streamId, NpgsqlDbType = NpgsqlDbType.Varchar });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new StreamState(
            reader.IsDBNull(0) ? 0 : reader.GetInt64(0),
            reader.IsDBNull(0) ? CanonicalEntry.GenesisHash : reader.IsDBNull(1) ? "" : reader.GetString(1),
            reader.IsDBNull(2) ? null : _serializer.FromJson<RunSummary>(reader, 2),
            reader.IsDBNull(3) ? null : _serializer.FromJson<ModelRegistryEntry>(reader, 3));
    }

    /// <summary>Appends <paramref name="entry"/> with its read models; returns the event's global sequence.</summary>
    public async Task<long> ExecuteAsync(PendingEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        var append = new NpgsqlBatchCommand(_append);
        append.Parameters.Add(new() { Value = entry.StreamId, NpgsqlDbType = NpgsqlDbType.Varchar });
        append.Parameters.Add(new() { Value = new[] { entry.EventId }, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        append.Parameters.Add(new() { Value = new[] { entry.Type }, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
        append.Parameters.Add(new() { Value = new[] { _events.EventMappingFor(entry.Data.GetType()).DotNetTypeName }, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
        append.Parameters.Add(new() { Value = new[] { entry.DataJson }, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        append.Parameters.Add(new() { Value = new[] { entry.HeadersJson }, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        append.Parameters.Add(new() { Value = new[] { entry.RecordedAt }, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        batch.BatchCommands.Add(append);
        if (entry.Run is { } run)
        {
            batch.BatchCommands.Add(Upsert(_upsertRun, entry, run));
        }

        if (entry.Model is { } model)
        {
            batch.BatchCommands.Add(Upsert(_upsertModel, entry, model));
        }

        // Prepared once per pooled connection: later appends skip parsing and planning, and Npgsql then
        // resets the connection without DISCARD ALL, so the append function's cached plans survive too.
        await batch.PrepareAsync(cancellationToken).ConfigureAwait(false);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var appended = reader.GetFieldValue<long[]>(0);
        // Drain the upserts' results so that an error in any of them surfaces here.
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
        {
        }

        return appended[1];
    }

    private NpgsqlBatchCommand Upsert(string sql, PendingEntry entry, object document)
    {
        var upsert = new NpgsqlBatchCommand(sql);
        upsert.Parameters.Add(new() { Value = entry.StreamId, NpgsqlDbType = NpgsqlDbType.Varchar });
        upsert.Parameters.Add(new() { Value = _serializer.ToJson(document), NpgsqlDbType = NpgsqlDbType.Jsonb });
        upsert.Parameters.Add(new() { Value = entry.Version, NpgsqlDbType = NpgsqlDbType.Bigint });
        upsert.Parameters.Add(new() { Value = document.GetType().FullName!, NpgsqlDbType = NpgsqlDbType.Varchar });
        return upsert;
    }
}

/// <summary>An entry ready to append: its row, and the read models to write with it (null: the event is not theirs).</summary>
internal sealed record PendingEntry(
    string StreamId,
    long Version,
    Guid EventId,
    string Type,
    object Data,
    string DataJson,
    string HeadersJson,
    DateTimeOffset RecordedAt,
    RunSummary? Run,
    ModelRegistryEntry? Model);
