using Orchestrator.Audit.Checkpoints;

namespace Orchestrator.Audit.Verification;

/// <summary>The stream heads that verified, signed checkpoints recorded: the hash each stream must have at those versions.</summary>
public sealed class CheckpointExpectations
{
    private readonly Dictionary<(string Stream, long Version), PinnedHead> _pinned = [];
    private readonly Dictionary<string, long> _highest = new(StringComparer.Ordinal);

    /// <summary>No checkpoints: nothing pinned.</summary>
    public static CheckpointExpectations None { get; } = new();

    /// <summary>Every stream some checkpoint recorded.</summary>
    public IReadOnlyCollection<string> Streams => _highest.Keys;

    /// <summary>Records that checkpoint <paramref name="number"/> saw <paramref name="stream"/> at <paramref name="version"/> with <paramref name="hash"/>.</summary>
    public void Pin(string stream, long version, string hash, long number)
    {
        _pinned.TryAdd((stream, version), new PinnedHead(hash, number));
        _highest[stream] = Math.Max(_highest.GetValueOrDefault(stream), version);
    }

    /// <summary>Pins every head of a verified checkpoint.</summary>
    public void PinAll(SignedCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        foreach (var head in checkpoint.Heads)
        {
            Pin(head.StreamId, head.Version, head.Hash, checkpoint.Number);
        }
    }

    /// <summary>What a checkpoint recorded for this stream and version, or null.</summary>
    public PinnedHead? HashAt(string stream, long version) => _pinned.GetValueOrDefault((stream, version));

    /// <summary>The highest version of <paramref name="stream"/> any checkpoint recorded (0 when none).</summary>
    public long HighestVersion(string stream) => _highest.GetValueOrDefault(stream);
}

/// <summary>A head hash recorded by checkpoint <paramref name="Number"/>.</summary>
public sealed record PinnedHead(string Hash, long Number);
