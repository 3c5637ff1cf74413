namespace Orchestrator.Audit.Verification;

/// <summary>What verification found wrong with an entry, a stream or a checkpoint.</summary>
public enum FailureKind
{
    /// <summary>The entry has no chain headers (prev, hash, key, recordedAt, context): it was not written by the ledger.</summary>
    MissingChain,

    /// <summary>Versions are missing before this entry: entries were deleted.</summary>
    VersionGap,

    /// <summary>Two entries claim the same version.</summary>
    DuplicateVersion,

    /// <summary>The entry's previous hash is not its predecessor's hash: an entry before it was removed, inserted, reordered or rewritten.</summary>
    BrokenLink,

    /// <summary>The entry before this one does not belong: this entry links to the one before that.</summary>
    InsertedEvent,

    /// <summary>The stored content (payload, type, key, context or recording time) no longer hashes to the stored hash.</summary>
    ContentMismatch,

    /// <summary>The timestamp column differs from the hashed recording time.</summary>
    TimestampMismatch,

    /// <summary>The entry's global sequence is lower than its predecessor's: it was written later than its position claims.</summary>
    SequenceOutOfOrder,

    /// <summary>The stream's declared version (or a checkpoint) is beyond its last entry: trailing entries were deleted.</summary>
    StreamTruncated,

    /// <summary>A checkpoint's digest does not match its body.</summary>
    CheckpointDigestMismatch,

    /// <summary>A checkpoint's signature does not verify with the public key.</summary>
    CheckpointSignatureInvalid,

    /// <summary>An entry's hash differs from the head hash a signed checkpoint recorded for it: the stream was rewritten.</summary>
    CheckpointHeadMismatch,

    /// <summary>A file of an export bundle is missing or differs from its manifest digest.</summary>
    BundleFileMismatch,
}

/// <summary>One problem: which stream and entry (version and global sequence, where known) and what is wrong.</summary>
public sealed record VerificationFailure(FailureKind Kind, string StreamId, long? Version, long? Sequence, string Message)
{
    public override string ToString() =>
        $"{Kind} at {StreamId}{(Version is { } v ? $" version {v}" : "")}{(Sequence is { } s ? $" (sequence {s})" : "")}: {Message}";
}

/// <summary>The result of verifying a ledger, one stream or an export bundle.</summary>
/// <param name="EventsChecked">Entries re-hashed (checkpoint entries included).</param>
/// <param name="StreamsChecked">Streams walked.</param>
/// <param name="CheckpointsChecked">Signed checkpoints whose signatures were checked.</param>
/// <param name="Failures">Every problem found (at most <see cref="MaxFailures"/>), ordered by stream then version.</param>
public sealed record VerificationReport(long EventsChecked, int StreamsChecked, int CheckpointsChecked, IReadOnlyList<VerificationFailure> Failures)
{
    /// <summary>How many failures a report lists at most; the first ones are the ones that matter.</summary>
    public const int MaxFailures = 1000;

    /// <summary>True when nothing is wrong.</summary>
    public bool IsValid => Failures.Count == 0;

    /// <summary>The first broken entry (by stream, then version), or null.</summary>
    public VerificationFailure? FirstFailure => Failures.Count > 0 ? Failures[0] : null;
}
