using System.Security.Cryptography;
using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Contracts;

namespace Orchestrator.Audit.Verification;

/// <summary>
/// Walks the checkpoint stream's chain, checks each checkpoint's digest and signature with the public key
/// alone, and checks that the checkpoints form their own chain: checkpoint n is the stream's version n, and a
/// format-2 checkpoint names its predecessor's number and digest (checkpoint 1 names none).
/// </summary>
public static class CheckpointVerifier
{
    /// <summary>Verifies <paramref name="checkpointEntries"/> (the checkpoint stream in version order), reporting into <paramref name="walker"/>.</summary>
    public static CheckpointChain Verify(IEnumerable<StoredEntry> checkpointEntries, ECDsa publicKey, ChainWalker walker)
    {
        ArgumentNullException.ThrowIfNull(checkpointEntries);
        ArgumentNullException.ThrowIfNull(walker);
        var keyId = CheckpointSigner.KeyIdOf(publicKey);
        var chain = new CheckpointChain();
        SignedCheckpoint? previous = null;
        walker.Begin(AuditStreams.Checkpoints);
        foreach (var entry in checkpointEntries)
        {
            walker.Check(entry);
            SignedCheckpoint checkpoint;
            try
            {
                checkpoint = SignedCheckpoint.Read(entry.Type, entry.DataJson);
            }
            catch (FormatException e)
            {
                walker.Report(Failure(FailureKind.CheckpointDigestMismatch, entry, e.Message));
                previous = null;
                continue;
            }

            chain.Recorded[checkpoint.Number] = checkpoint;
            if (Link(checkpoint, entry.Version, previous) is { } broken)
            {
                walker.Report(Failure(FailureKind.CheckpointChainBroken, entry, broken));
            }

            previous = checkpoint;
            if (checkpoint.DigestProblem() is { } digest)
            {
                walker.Report(Failure(FailureKind.CheckpointDigestMismatch, entry, digest));
                continue;
            }

            if (checkpoint.SignatureProblem(publicKey, keyId) is { } signature)
            {
                walker.Report(Failure(FailureKind.CheckpointSignatureInvalid, entry, signature));
                continue;
            }

            chain.Verified.Add(checkpoint);
        }

        walker.End(null);
        return chain;
    }

    /// <summary>What is wrong with how <paramref name="checkpoint"/> (at <paramref name="version"/>) follows <paramref name="previous"/>, or null.</summary>
    internal static string? Link(SignedCheckpoint checkpoint, long version, SignedCheckpoint? previous)
    {
        if (checkpoint.Number != version)
        {
            return $"checkpoint {checkpoint.Number} is stored as version {version} of the checkpoint stream: checkpoints before it were deleted, inserted or reordered";
        }

        if (checkpoint.Format == 1)
        {
            return previous is { Format: 2 } ? $"checkpoint {checkpoint.Number} has format 1 after a format-2 checkpoint: format-1 checkpoints are never written after chaining began" : null;
        }

        if (checkpoint.Number == 1)
        {
            return checkpoint.Previous is null ? null : $"checkpoint 1 names a predecessor ({checkpoint.Previous.Number}, {checkpoint.Previous.Digest})";
        }

        var expected = previous?.Link;
        return checkpoint.Previous is { } link && expected is not null && link.Number == expected.Number && link.Digest == expected.Digest
            ? null
            : $"checkpoint {checkpoint.Number} names checkpoint {checkpoint.Previous?.Number.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"} "
              + $"with digest {checkpoint.Previous?.Digest ?? "(none)"} as its predecessor, but the checkpoint before it is "
              + $"{(expected is null ? "missing" : $"{expected.Number} with digest {expected.Digest}")}: a checkpoint was deleted, replaced or reordered";
    }

    private static VerificationFailure Failure(FailureKind kind, StoredEntry entry, string message) =>
        new(kind, entry.StreamId, entry.Version, entry.Sequence, message);
}

/// <summary>The checkpoints a verification read: every readable one by number, and those whose digest and signature verified, in order.</summary>
public sealed class CheckpointChain
{
    /// <summary>Every checkpoint that could be read, by number (verified or not).</summary>
    public Dictionary<long, SignedCheckpoint> Recorded { get; } = [];

    /// <summary>The checkpoints whose digest and signature verified, in stream order.</summary>
    public List<SignedCheckpoint> Verified { get; } = [];

    /// <summary>The heads of the verified checkpoints: what every stream must still hold.</summary>
    public CheckpointExpectations Expectations()
    {
        var expectations = new CheckpointExpectations();
        foreach (var checkpoint in Verified)
        {
            expectations.PinAll(checkpoint);
        }

        return expectations;
    }

    /// <summary>The newest verified checkpoint as a report names it, or null.</summary>
    public CheckpointSummary? Latest() => Verified.Count == 0 ? null : Summary(Verified.MaxBy(c => c.Number)!);

    /// <summary>How a report names <paramref name="checkpoint"/>.</summary>
    public static CheckpointSummary Summary(SignedCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return new(checkpoint.Number, Digest.FromHex(checkpoint.Digest).ToString(), checkpoint.TakenAt);
    }
}
