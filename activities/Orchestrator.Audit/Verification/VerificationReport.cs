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

    /// <summary>A file of an export bundle is missing or differs from its manifest digest, or a stream is in one and not the other.</summary>
    BundleFileMismatch,

    /// <summary>A checkpoint's number or its link to the previous checkpoint does not follow the checkpoint before it: checkpoints were deleted, inserted or reordered.</summary>
    CheckpointChainBroken,

    /// <summary>A checkpoint kept outside the database (or named by a signed bundle manifest) is not in the database (or the bundle): it was deleted.</summary>
    CheckpointMissing,

    /// <summary>A checkpoint in the database has no copy outside it: the copy was deleted, or never written.</summary>
    CheckpointCopyMissing,

    /// <summary>A checkpoint differs from its copy outside the database, or the copy does not verify: one of them was altered.</summary>
    CheckpointCopyMismatch,

    /// <summary>The copies outside the database could not be read, so the checkpoints could not be compared with them.</summary>
    CheckpointCopiesUnavailable,

    /// <summary>The checkpoint the auditor pinned (--anchor) is not in the ledger or bundle: it was deleted or altered.</summary>
    PinnedCheckpointMissing,

    /// <summary>Entries no signed checkpoint covers, older than the checkpoint interval allows (or, in a bundle, beyond its last checkpoint).</summary>
    UncoveredEntries,

    /// <summary>A bundle's manifest signature does not verify with the trusted key.</summary>
    ManifestSignatureInvalid,
}

/// <summary>One problem: which stream and entry (version and global sequence, where known) and what is wrong.</summary>
public sealed record VerificationFailure(FailureKind Kind, string StreamId, long? Version, long? Sequence, string Message)
{
    public override string ToString() =>
        $"{Kind} at {StreamId}{(Version is { } v ? $" version {v}" : "")}{(Sequence is { } s ? $" (sequence {s})" : "")}: {Message}";
}

/// <summary>What a verification concluded.</summary>
public enum VerificationState
{
    /// <summary>Nothing is wrong and every entry is covered by a signed, anchored checkpoint.</summary>
    Verified,

    /// <summary>
    /// Nothing is wrong, but the newest entries (younger than the checkpoint interval) are covered by no checkpoint
    /// yet: they are hash-chained, but a forged tail after the last checkpoint cannot be detected until one covers it.
    /// </summary>
    UnanchoredTail,

    /// <summary>Something is wrong: see the failures.</summary>
    Failed,
}

/// <summary>The entries after the last checkpoint that verification accepted because they are young.</summary>
/// <param name="Entries">How many.</param>
/// <param name="Streams">In how many streams.</param>
/// <param name="Since">The recording time of the oldest.</param>
public sealed record UnanchoredTail(long Entries, int Streams, DateTimeOffset Since)
{
    /// <summary>What a forged tail means for the auditor, said wherever the tail is shown.</summary>
    public const string Caveat = "entries after the latest checkpoint are hash-chained but not yet anchored: a forged tail cannot be detected until a checkpoint covers it";

    public override string ToString() => $"unanchored tail: {Entries} entries since {Canonical.CanonicalEntry.FormatTime(Since)}";
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

    /// <summary>Copies of checkpoints outside the database that were compared with the database's (0 for bundles).</summary>
    public int CopiesCompared { get; init; }

    /// <summary>The newest checkpoint that verified: what an auditor pins with <c>--anchor</c>; null when there is none.</summary>
    public CheckpointSummary? LatestCheckpoint { get; init; }

    /// <summary>Entries no checkpoint covers yet but young enough to accept; null when every entry is covered.</summary>
    public UnanchoredTail? UnanchoredTail { get; init; }

    /// <summary>True when nothing is wrong (an unanchored tail included: see <see cref="State"/>).</summary>
    public bool IsValid => Failures.Count == 0;

    /// <summary>Verified, verified with an unanchored tail, or failed.</summary>
    public VerificationState State => !IsValid ? VerificationState.Failed : UnanchoredTail is not null ? VerificationState.UnanchoredTail : VerificationState.Verified;

    /// <summary>The first broken entry (by stream, then version), or null.</summary>
    public VerificationFailure? FirstFailure => Failures.Count > 0 ? Failures[0] : null;

    /// <summary>One line: the state in capitals ("VERIFIED", "UNANCHORED TAIL", "NOT VERIFIED"), then what was checked.</summary>
    public string Headline()
    {
        var state = State switch
        {
            VerificationState.Verified => "VERIFIED",
            VerificationState.UnanchoredTail => "UNANCHORED TAIL",
            _ => "NOT VERIFIED",
        };
        var copies = CopiesCompared > 0 ? $" ({CopiesCompared} compared with their copies outside the database)" : "";
        var tail = UnanchoredTail is { } t ? $"; {t}" : "";
        return $"{state}: {EventsChecked} events in {StreamsChecked} streams, {CheckpointsChecked} signed checkpoints{copies}{tail}";
    }
}

/// <summary>A checkpoint as a report names it.</summary>
/// <param name="Number">Its number.</param>
/// <param name="Digest">The SHA-256 of its body in <see cref="Orchestrator.Contracts.Digest"/>'s text form: what <c>--anchor</c> takes.</param>
/// <param name="TakenAt">When its heads were read.</param>
public sealed record CheckpointSummary(long Number, string Digest, DateTimeOffset TakenAt);
