namespace Orchestrator.Audit.Storage;

/// <summary>
/// Every statement this service runs on Marten's event tables (<c>mt_events</c>, <c>mt_streams</c>) and its append
/// function, in one place: the ledger reads and appends, checkpoints, verification, export and the dataset registry
/// build their commands from these, so a Marten upgrade that changes its tables is checked here (and in
/// <see cref="LedgerSchema"/>, which owns the guards and grants on the same tables). Parameters are positional
/// (<c>$1</c>, ...), as each caller documents next to its command.
/// </summary>
public static class EventTables
{
    /// <summary>A stream's entries from version $2 on, recorded at or before $3 (null: any time), at most $4 of them.</summary>
    public static string StreamPage(LedgerDatabase database, string columns) =>
        $"SELECT {columns} FROM {Events(database)} WHERE stream_id = $1 AND version >= $2 "
        + "AND ($3::timestamptz IS NULL OR timestamp <= $3) ORDER BY version LIMIT $4";

    /// <summary>Every entry of stored type $1 in stream then version order: $3 of them after skipping $2 (a listing of one kind of fact across streams).</summary>
    public static string EntriesOfType(LedgerDatabase database, string columns) =>
        $"SELECT {columns} FROM {Events(database)} WHERE type = $1 ORDER BY stream_id, version OFFSET $2 LIMIT $3";

    /// <summary>The entry with event id $1.</summary>
    public static string EntryById(LedgerDatabase database, string columns) => $"SELECT {columns} FROM {Events(database)} WHERE id = $1";

    /// <summary>Stream $1's last version and chain hash.</summary>
    public static string StreamHead(LedgerDatabase database) =>
        $"SELECT version, headers ->> 'hash' FROM {Events(database)} WHERE stream_id = $1 ORDER BY version DESC LIMIT 1";

    /// <summary>Marten's quick append of one event to stream $1 (no aggregate type, the default tenant, no binary body, no expected version).</summary>
    public static string QuickAppend(LedgerDatabase database, string defaultTenant) =>
        $"SELECT {database.Schema}.mt_quick_append_events($1, NULL, '{defaultTenant}', $2, $3, $4, $5, ARRAY[NULL]::bytea[], $6, $7, NULL)";

    /// <summary>Stream $1's head and its two read models, in one statement (one snapshot).</summary>
    public static string StreamState(LedgerDatabase database, string runTable, string modelTable) =>
        $"SELECT h.version, h.hash, r.data, m.data FROM (SELECT $1::varchar AS id) s "
        + $"LEFT JOIN LATERAL (SELECT e.version, e.headers ->> 'hash' AS hash FROM {Events(database)} e "
        + "WHERE e.stream_id = s.id ORDER BY e.version DESC LIMIT 1) h ON true "
        + $"LEFT JOIN {runTable} r ON r.id = s.id LEFT JOIN {modelTable} m ON m.id = s.id";

    /// <summary>Every stream's head (id, version, chain hash) except stream $1 (the checkpoints').</summary>
    public static string Heads(LedgerDatabase database) =>
        $"SELECT s.id, s.version, e.headers ->> 'hash' FROM {Streams(database)} s "
        + $"JOIN {Events(database)} e ON e.stream_id = s.id AND e.version = s.version WHERE s.id <> $1";

    /// <summary>Every entry except stream $1's, or only stream $2's when given, in stream then version order.</summary>
    public static string WalkRows(LedgerDatabase database, string columns) =>
        $"SELECT {columns} FROM {Events(database)} WHERE stream_id <> $1 AND ($2::text IS NULL OR stream_id = $2) ORDER BY stream_id, version";

    /// <summary>Stream $1's entries in version order.</summary>
    public static string StreamRows(LedgerDatabase database, string columns) =>
        $"SELECT {columns} FROM {Events(database)} WHERE stream_id = $1 ORDER BY version";

    /// <summary>Every stream's declared version except stream $1's, or only stream $2's when given.</summary>
    public static string DeclaredVersions(LedgerDatabase database) =>
        $"SELECT id, version FROM {Streams(database)} WHERE id <> $1 AND ($2::text IS NULL OR id = $2)";

    /// <summary>The entries of the streams in $1 up to the versions in $2 (a checkpoint's heads), in stream then version order (an export's events).</summary>
    public static string ExportedStreams(LedgerDatabase database, string columns) =>
        $"SELECT {columns} FROM {Events(database)} JOIN unnest($1::text[], $2::bigint[]) AS h(id, v) ON stream_id = h.id AND version <= h.v ORDER BY stream_id, version";

    /// <summary>Stream $1's entries up to version $2, in version order (an export's checkpoints).</summary>
    public static string ExportedCheckpoints(LedgerDatabase database, string columns) =>
        $"SELECT {columns} FROM {Events(database)} WHERE stream_id = $1 AND version <= $2 ORDER BY version";

    /// <summary>
    /// The manifests runs acquired from a source: the DatasetAcquired entries ($2 is its stored type name) of runs whose
    /// RunRequested ($1) names source $3, per manifest digest with its item count, first time and runs.
    /// </summary>
    public static string DatasetVersions(LedgerDatabase database) =>
        $"""
        SELECT a.data ->> 'ManifestDigest', max((a.data ->> 'ItemCount')::int), min(a.timestamp), array_agg(DISTINCT r.data ->> 'RunId')
        FROM {Events(database)} r JOIN {Events(database)} a ON a.stream_id = r.stream_id AND a.type = $2
        WHERE r.type = $1 AND r.data ->> 'DatasetSource' = $3
        GROUP BY 1 ORDER BY 3
        """;

    private static string Events(LedgerDatabase database) => database.Table("mt_events");

    private static string Streams(LedgerDatabase database) => database.Table("mt_streams");
}
