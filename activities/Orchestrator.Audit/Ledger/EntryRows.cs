using Npgsql;
using Orchestrator.Audit.Canonical;
using Orchestrator.Audit.Storage;

namespace Orchestrator.Audit.Ledger;

/// <summary>Raw reads of the event table: the stored JSON, untouched, for hashing and for typed entries.</summary>
public sealed class EntryRows(LedgerDatabase database)
{
    /// <summary>The column list every reader of <see cref="StoredEntry"/> rows uses, in <see cref="Read"/>'s order.</summary>
    public const string Columns = "stream_id, version, seq_id, type, timestamp, data::text, headers::text";

    /// <summary>Reads one row selected with <see cref="Columns"/>.</summary>
    public static StoredEntry Read(NpgsqlDataReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return StoredEntry.FromRow(
            reader.GetString(0),
            reader.GetInt64(1),
            reader.GetInt64(2),
            reader.GetString(3),
            new DateTimeOffset(reader.GetFieldValue<DateTime>(4), TimeSpan.Zero),
            reader.GetString(5),
            reader.IsDBNull(6) ? null : reader.GetString(6));
    }

    /// <summary>The entries of a stream from <paramref name="fromVersion"/>, at most <paramref name="maxCount"/>, optionally only up to an instant.</summary>
    public async Task<IReadOnlyList<StoredEntry>> StreamAsync(string streamId, long fromVersion, int maxCount, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            EventTables.StreamPage(database, Columns));
        command.Parameters.Add(new() { Value = streamId });
        command.Parameters.Add(new() { Value = fromVersion });
        command.Parameters.Add(new() { Value = until.HasValue ? CanonicalEntry.ToStoredPrecision(until.Value) : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = maxCount });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<StoredEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(Read(reader));
        }

        return entries;
    }

    /// <summary>The entries of stored type <paramref name="type"/> across all streams, in stream then version order, one page.</summary>
    public async Task<IReadOnlyList<StoredEntry>> OfTypeAsync(string type, int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        await using var command = database.DataSource.CreateCommand(EventTables.EntriesOfType(database, Columns));
        command.Parameters.Add(new() { Value = type });
        command.Parameters.Add(new() { Value = (long)skip });
        command.Parameters.Add(new() { Value = (long)take });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<StoredEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(Read(reader));
        }

        return entries;
    }

    /// <summary>The entry with event id <paramref name="eventId"/>, or null.</summary>
    public async Task<StoredEntry?> ByIdAsync(Guid eventId, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(EventTables.EntryById(database, Columns));
        command.Parameters.Add(new() { Value = eventId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <summary>The version and chain hash of a stream's last entry; version 0 and the genesis hash for a new stream.</summary>
    public async Task<StreamHead> HeadAsync(string streamId, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            EventTables.StreamHead(database));
        command.Parameters.Add(new() { Value = streamId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return new StreamHead(streamId, 0, CanonicalEntry.GenesisHash);
        }

        return new StreamHead(streamId, reader.GetInt64(0), reader.IsDBNull(1) ? "" : reader.GetString(1));
    }
}

/// <summary>A stream's last version and chain hash.</summary>
/// <param name="StreamId">The stream.</param>
/// <param name="Version">The last version (0 for an empty stream).</param>
/// <param name="Hash">The chain hash of that version.</param>
public sealed record StreamHead(string StreamId, long Version, string Hash);
