using Npgsql;

namespace Orchestrator.Audit.Verification;

/// <summary>
/// Whole streams of event rows as the database verifier's reader hands them to a walker: the scalar columns
/// per row, and every row's data and headers jsonb bytes copied into one byte arena that the batch keeps
/// when it is recycled.
/// </summary>
/// <remarks>
/// A byte array per column per row made every batch in flight (megabytes) survive the young-generation
/// collections it lived through, so each collection copied them: at 200,000 events the walk spent about a
/// fifth of its CPU in GC pauses. Recycled arenas make the rows' bytes long-lived buffers instead, and the
/// per-row objects left (repeated stream ids and types) are shared with the previous row.
/// </remarks>
internal sealed class RowBatch
{
    private const int InitialArena = 1 << 20;
    private const int JsonbFormatVersion = 1;

    // An arena grown past this for an unusually large stream is not kept for the next batch.
    private const int MaxRetainedArena = 16 << 20;

    private readonly List<Row> _rows;
    private byte[] _arena = new byte[InitialArena];
    private int _used;

    public RowBatch(int capacity) => _rows = new List<Row>(capacity);

    public int Count => _rows.Count;

    /// <summary>Empties the batch for reuse, dropping an arena that grew unusually large.</summary>
    public void Clear()
    {
        _rows.Clear();
        _used = 0;
        if (_arena.Length > MaxRetainedArena)
        {
            _arena = new byte[InitialArena];
        }
    }

    /// <summary>
    /// Copies the current row of <paramref name="reader"/> into the batch: <paramref name="streamId"/> was read
    /// from column 0, columns version, seq_id, type, timestamp, data, headers follow in order (sequential access).
    /// <paramref name="previous"/> is the last row read, whose stream id and type strings are reused when equal.
    /// </summary>
    public Row Add(NpgsqlDataReader reader, string streamId, in Row previous)
    {
        var version = reader.GetInt64(1);
        var sequence = reader.GetInt64(2);
        var type = reader.GetString(3);
        var timestamp = reader.GetFieldValue<DateTime>(4);
        var (dataStart, dataLength) = CopyBytes(reader, 5);
        var (headersStart, headersLength) = reader.IsDBNull(6) ? (0, -1) : CopyBytes(reader, 6);
        var row = new Row(
            string.Equals(streamId, previous.StreamId, StringComparison.Ordinal) ? previous.StreamId : streamId,
            version,
            sequence,
            string.Equals(type, previous.Type, StringComparison.Ordinal) ? previous.Type : type,
            timestamp,
            dataStart,
            dataLength,
            headersStart,
            headersLength);
        _rows.Add(row);
        return row;
    }

    /// <summary>Row <paramref name="index"/> as the chain walk reads it.</summary>
    public ChainRow ChainRowAt(int index)
    {
        var row = _rows[index];
        return ChainRow.FromColumns(
            row.StreamId,
            row.Version,
            row.Sequence,
            row.Type,
            new DateTimeOffset(row.Timestamp, TimeSpan.Zero),
            _arena.AsMemory(row.DataStart, row.DataLength),
            row.HeadersLength < 0 ? null : _arena.AsMemory(row.HeadersStart, row.HeadersLength));
    }

    /// <summary>The stream id of row <paramref name="index"/>.</summary>
    public string StreamIdAt(int index) => _rows[index].StreamId;

    private (int Start, int Length) CopyBytes(NpgsqlDataReader reader, int ordinal)
    {
        // The column's stream is jsonb's binary wire form: a format version byte (1), then the JSON text, the
        // same bytes GetFieldValue<byte[]> returns, here copied without an array per value.
        using var column = reader.GetStream(ordinal);
        var length = checked((int)column.Length - 1);
        if (length < 0 || column.ReadByte() != JsonbFormatVersion)
        {
            throw new InvalidOperationException($"column {ordinal} is not jsonb in binary format version {JsonbFormatVersion}");
        }

        if (_arena.Length - _used < length)
        {
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, checked(_used + length)));
        }

        var start = _used;
        column.ReadExactly(_arena, start, length);
        _used += length;
        return (start, length);
    }

    /// <summary>One row: scalar columns and where its data and headers (length -1: NULL) lie in the arena.</summary>
    internal readonly record struct Row(
        string StreamId,
        long Version,
        long Sequence,
        string Type,
        DateTime Timestamp,
        int DataStart,
        int DataLength,
        int HeadersStart,
        int HeadersLength);
}
