using Orchestrator.Audit.Canonical;
using Orchestrator.Audit.Ledger;

namespace Orchestrator.Audit.Verification;

/// <summary>
/// Re-walks one stream's entries in version order: versions contiguous, each entry linked to its
/// predecessor's hash, its stored content re-hashing to its stored hash, its timestamp equal to the hashed
/// recording time, and its hash equal to what any signed checkpoint recorded at that version. With an
/// <see cref="UncoveredPolicy"/> it also counts the entries after the last version a checkpoint covers, and
/// fails a stream whose first such entry is older than the policy allows. The same walk serves the database
/// and offline bundles. Not thread-safe: one walker per worker.
/// </summary>
public sealed class ChainWalker(CheckpointExpectations expectations, UncoveredPolicy? uncovered = null)
{
    private const int MaxCachedContexts = 4096;
    private readonly List<VerificationFailure> _failures = [];

    // The same context text (one worker, one workflow) recurs across many entries; its canonical bytes do too.
    // Keyed by the stored UTF-8 bytes, looked up by span so a hit allocates nothing.
    private readonly Dictionary<byte[], byte[]> _contexts = new(Utf8KeyComparer.Instance);
    private (byte[] Raw, byte[] Canonical)? _lastContext;
    private string _streamId = "";
    private long _expectedVersion;
    private string _running = CanonicalEntry.GenesisHash;
    private string? _beforeRunning;
    private long _lastSequence;
    private long _lastVersion;
    private long _covered;
    private DateTimeOffset? _firstUncoveredAt;

    /// <summary>Problems found so far.</summary>
    public IReadOnlyList<VerificationFailure> Failures => _failures;

    /// <summary>Entries checked so far.</summary>
    public long EntriesChecked { get; private set; }

    /// <summary>Streams finished so far.</summary>
    public int StreamsChecked { get; private set; }

    /// <summary>Entries no checkpoint covers that the <see cref="UncoveredPolicy"/> still accepts (young enough).</summary>
    public long UncoveredEntries { get; private set; }

    /// <summary>Streams with such entries.</summary>
    public int UncoveredStreams { get; private set; }

    /// <summary>The recording time of the oldest such entry, or null.</summary>
    public DateTimeOffset? UncoveredSince { get; private set; }

    /// <summary>Starts a stream.</summary>
    public void Begin(string streamId)
    {
        _streamId = streamId;
        _expectedVersion = 1;
        _running = CanonicalEntry.GenesisHash;
        _beforeRunning = null;
        _lastSequence = long.MinValue;
        _lastVersion = 0;
        _covered = uncovered is null ? long.MaxValue : expectations.HighestVersion(streamId);
        _firstUncoveredAt = null;
    }

    /// <summary>Checks the next entry of the current stream and returns the failure found in it, if any.</summary>
    public VerificationFailure? Check(StoredEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Check(ChainRow.From(entry));
    }

    /// <summary>As <see cref="Check(StoredEntry)"/>, for a row read as UTF-8 (database verification's fast path).</summary>
    internal VerificationFailure? Check(in ChainRow entry)
    {
        EntriesChecked++;
        var failure = Inspect(entry);
        if (failure is null && expectations.HashAt(entry.StreamId, entry.Version) is { } pinned && pinned.Hash != entry.Hash)
        {
            failure = Fail(FailureKind.CheckpointHeadMismatch, entry,
                $"signed checkpoint {pinned.Number} recorded hash {pinned.Hash} for this version, the ledger holds {entry.Hash}: the stream was rewritten at or before this entry");
        }

        if (entry.Version > _covered && _firstUncoveredAt is null)
        {
            _firstUncoveredAt = entry.Timestamp;
        }

        _beforeRunning = _running;
        _running = entry.Hash ?? _running;
        _lastSequence = entry.Sequence;
        _lastVersion = entry.Version;
        _expectedVersion = entry.Version + 1;
        return failure;
    }

    /// <summary>Ends the current stream; <paramref name="declaredVersion"/> is what the ledger says its last version is.</summary>
    public void End(long? declaredVersion)
    {
        StreamsChecked++;
        var last = Math.Max(declaredVersion ?? 0, expectations.HighestVersion(_streamId));
        if (last > _lastVersion)
        {
            Add(new VerificationFailure(FailureKind.StreamTruncated, _streamId, _lastVersion + 1, null,
                $"the stream ends at version {_lastVersion} but version {last} was recorded (stream table or signed checkpoint): entries {_lastVersion + 1}..{last} were deleted"));
        }

        if (uncovered is not null && _firstUncoveredAt is { } since)
        {
            var count = _lastVersion - _covered;
            if (since < uncovered.StaleBefore)
            {
                Add(new VerificationFailure(FailureKind.UncoveredEntries, _streamId, _covered + 1, null,
                    $"versions {_covered + 1}..{_lastVersion} (recorded since {CanonicalEntry.FormatTime(since)}) {uncovered.Reason}"));
            }
            else
            {
                UncoveredEntries += count;
                UncoveredStreams++;
                UncoveredSince = UncoveredSince is { } earlier && earlier <= since ? earlier : since;
            }
        }
    }

    private VerificationFailure? Inspect(in ChainRow entry)
    {
        if (!entry.HasChain)
        {
            return Fail(FailureKind.MissingChain, entry, "the entry has no chain headers: it was not written through the ledger");
        }

        if (entry.Version < _expectedVersion)
        {
            return Fail(FailureKind.DuplicateVersion, entry, $"version {entry.Version} appears again after version {_expectedVersion - 1}");
        }

        if (entry.Version > _expectedVersion)
        {
            return Fail(FailureKind.VersionGap, entry, $"versions {_expectedVersion}..{entry.Version - 1} are missing: entries were deleted");
        }

        if (entry.Previous != _running)
        {
            return entry.Previous == _beforeRunning && _beforeRunning is not null
                ? Add(new VerificationFailure(FailureKind.InsertedEvent, entry.StreamId, entry.Version - 1, null,
                    $"version {entry.Version - 1} was inserted: version {entry.Version} links to version {entry.Version - 2}"))
                : Fail(FailureKind.BrokenLink, entry, $"previous hash {entry.Previous} is not version {entry.Version - 1}'s hash {_running}: an entry before it was removed, inserted, reordered or rewritten");
        }

        Span<byte> computed = stackalloc byte[32];
        try
        {
            CanonicalEntry.HashTo(entry.Previous,
                new EntryFields(entry.StreamId, entry.Version, entry.Type, entry.RecordedAt!, entry.Key!, ReadOnlyMemory<byte>.Empty, entry.Data),
                CanonicalContext(entry.Context!.Value.Span), computed);
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException)
        {
            return Fail(FailureKind.ContentMismatch, entry, $"the stored content cannot be canonicalised: {ex.Message}");
        }

        // Compared as text, as the stored hash is, without a string per entry.
        Span<char> hex = stackalloc char[64];
        Convert.TryToHexStringLower(computed, hex, out _);
        if (!hex.SequenceEqual(entry.Hash))
        {
            return Fail(FailureKind.ContentMismatch, entry, $"the stored content hashes to {new string(hex)}, not to the recorded {entry.Hash}: payload, type, key, context or recording time changed");
        }

        Span<char> time = stackalloc char[CanonicalEntry.TimeLength];
        CanonicalEntry.FormatTime(entry.Timestamp.UtcDateTime, time);
        if (!time.SequenceEqual(entry.RecordedAt))
        {
            return Fail(FailureKind.TimestampMismatch, entry, $"timestamp {new string(time)} differs from the hashed recording time {entry.RecordedAt}");
        }

        return entry.Sequence <= _lastSequence
            ? Fail(FailureKind.SequenceOutOfOrder, entry, $"sequence {entry.Sequence} is not after its predecessor's {_lastSequence}: the entry was written later than its position claims")
            : null;
    }

    /// <summary>Records a failure found outside the chain rules (checkpoint signatures, anchors, bundle files).</summary>
    public void Report(VerificationFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        Add(failure);
    }

    private byte[] CanonicalContext(ReadOnlySpan<byte> contextJson)
    {
        // Consecutive entries of a stream mostly share their context: a vectorised compare with the last one
        // is cheaper than hashing the bytes for the dictionary.
        if (_lastContext is { } last && contextJson.SequenceEqual(last.Raw))
        {
            return last.Canonical;
        }

        var canonical = LookUpContext(contextJson);
        _lastContext = (contextJson.ToArray(), canonical);
        return canonical;
    }

    private byte[] LookUpContext(ReadOnlySpan<byte> contextJson)
    {
        var lookup = _contexts.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (!lookup.TryGetValue(contextJson, out var canonical))
        {
            if (_contexts.Count >= MaxCachedContexts)
            {
                _contexts.Clear();
            }

            var buffer = new System.Buffers.ArrayBufferWriter<byte>(Math.Max(contextJson.Length, 16));
            CanonicalJson.Write(contextJson, buffer);
            canonical = buffer.WrittenSpan.ToArray();
            lookup[contextJson] = canonical;
        }

        return canonical;
    }

    private VerificationFailure Fail(FailureKind kind, in ChainRow entry, string message)
    {
        var failure = new VerificationFailure(kind, entry.StreamId, entry.Version, entry.Sequence, message);
        Add(failure);
        return failure;
    }

    private VerificationFailure Add(VerificationFailure failure)
    {
        if (_failures.Count < VerificationReport.MaxFailures)
        {
            _failures.Add(failure);
        }

        return failure;
    }
}
