namespace Orchestrator.Audit.Checkpoints;

/// <summary>
/// Copies of every format-2 checkpoint kept outside PostgreSQL, ideally under another credential and a
/// write-once (immutability) policy, so that a database superuser who deletes or rewrites checkpoints is
/// caught by comparing the two (docs/audit-ledger.md, "Anchors"). Copies are only ever created, never
/// replaced or deleted.
/// </summary>
public interface ICheckpointAnchorStore
{
    /// <summary>Where the copies are kept, for messages (no credentials).</summary>
    string Location { get; }

    /// <summary>Creates the copy of checkpoint <paramref name="number"/>.</summary>
    /// <returns>True when written; false when an identical copy was already there (a retried or raced write).</returns>
    /// <exception cref="CheckpointAnchorException">A different copy is already there, or the store cannot be reached.</exception>
    Task<bool> WriteAsync(long number, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>The copy of checkpoint <paramref name="number"/>, or null when there is none.</summary>
    /// <exception cref="CheckpointAnchorException">The store cannot be reached.</exception>
    Task<CheckpointAnchor?> ReadAsync(long number, CancellationToken cancellationToken = default);

    /// <summary>Every copy, ordered by number.</summary>
    /// <exception cref="CheckpointAnchorException">The store cannot be reached.</exception>
    Task<IReadOnlyList<CheckpointAnchor>> ReadAllAsync(CancellationToken cancellationToken = default);
}

/// <summary>One external copy of a checkpoint.</summary>
/// <param name="Number">The checkpoint's number (from the copy's name).</param>
/// <param name="Name">The copy's name in the store.</param>
/// <param name="Content">Its bytes: the UTF-8 JSON of the <see cref="CheckpointSignedV2"/> record.</param>
public sealed record CheckpointAnchor(long Number, string Name, byte[] Content)
{
    /// <summary>The checkpoint the copy holds.</summary>
    /// <exception cref="FormatException">The copy is not a complete format-2 checkpoint.</exception>
    public SignedCheckpoint Read() => SignedCheckpoint.Read(SignedCheckpoint.TypeV2, System.Text.Encoding.UTF8.GetString(Content));

    /// <summary>The bytes the copy of <paramref name="checkpoint"/> holds.</summary>
    public static byte[] ContentOf(SignedCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(checkpoint.ToV2(), Ledger.LedgerJson.Options);
    }
}

/// <summary>The anchor store cannot be reached, or it holds a different copy of a checkpoint than the one being written.</summary>
public sealed class CheckpointAnchorException(string message, Exception? inner = null) : Exception(message, inner);
