using System.Security.Cryptography;
using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Events;

namespace Orchestrator.Audit.Verification;

/// <summary>
/// Compares the database's checkpoints with their copies outside it, one by one by number: a format-2
/// checkpoint without a copy, a copy without a checkpoint, a copy that does not verify, or one whose digest
/// differs from the database's each fail, naming the checkpoint. Copies that verify but are missing from the
/// database pin their heads too, so the streams they covered are still checked against them.
/// </summary>
public static class AnchorComparison
{
    /// <summary>Compares; failures go to <paramref name="walker"/>, extra pins to <paramref name="expectations"/>. Returns the number of copies read.</summary>
    public static int Compare(CheckpointChain database, IReadOnlyList<CheckpointAnchor> copies, ECDsa publicKey, string location, ChainWalker walker, CheckpointExpectations expectations)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(copies);
        ArgumentNullException.ThrowIfNull(walker);
        ArgumentNullException.ThrowIfNull(expectations);
        var keyId = CheckpointSigner.KeyIdOf(publicKey);
        var byNumber = copies.ToDictionary(c => c.Number);
        foreach (var (number, checkpoint) in database.Recorded.OrderBy(c => c.Key))
        {
            if (!byNumber.TryGetValue(number, out var copy))
            {
                if (checkpoint.Format == 2)
                {
                    walker.Report(Fail(FailureKind.CheckpointCopyMissing, number,
                        $"checkpoint {number} (sha256:{checkpoint.Digest}) has no copy outside the database in {location}: the copy was deleted, or never written"));
                }

                continue;
            }

            if (Read(copy, publicKey, keyId, walker) is not { } anchored)
            {
                continue;
            }

            // The database's body as it stands, not the digest it claims: an edit that kept the digest still differs.
            var digest = CheckpointBody.Digest(checkpoint.Body());
            if (anchored.Digest != digest)
            {
                walker.Report(Fail(FailureKind.CheckpointCopyMismatch, number,
                    $"the database's checkpoint {number} (its body hashes to sha256:{digest}) differs from its copy outside the database {copy.Name} (sha256:{anchored.Digest}): the database's checkpoint was altered or replaced"));
                expectations.PinAll(anchored);
            }
        }

        foreach (var copy in copies.Where(c => !database.Recorded.ContainsKey(c.Number)))
        {
            var anchored = Read(copy, publicKey, keyId, walker);
            walker.Report(Fail(FailureKind.CheckpointMissing, copy.Number,
                $"checkpoint {copy.Number}{(anchored is null ? "" : $" (sha256:{anchored.Digest})")} is kept outside the database ({copy.Name}) but is not in the database: it was deleted"));
            if (anchored is not null)
            {
                expectations.PinAll(anchored);
            }
        }

        return copies.Count;
    }

    /// <summary>The copy's checkpoint when it reads, is numbered as named, and its digest and signature verify; otherwise null with the failure reported.</summary>
    private static SignedCheckpoint? Read(CheckpointAnchor copy, ECDsa publicKey, string keyId, ChainWalker walker)
    {
        SignedCheckpoint anchored;
        try
        {
            anchored = copy.Read();
        }
        catch (FormatException e)
        {
            walker.Report(Fail(FailureKind.CheckpointCopyMismatch, copy.Number, $"the copy of checkpoint {copy.Number} outside the database ({copy.Name}) cannot be read: {e.Message}"));
            return null;
        }

        var problem = anchored.Number != copy.Number ? $"it holds checkpoint {anchored.Number}" : anchored.Problem(publicKey, keyId);
        if (problem is not null)
        {
            walker.Report(Fail(FailureKind.CheckpointCopyMismatch, copy.Number, $"the copy of checkpoint {copy.Number} outside the database ({copy.Name}) was altered: {problem}"));
            return null;
        }

        return anchored;
    }

    private static VerificationFailure Fail(FailureKind kind, long number, string message) => new(kind, AuditStreams.Checkpoints, number, null, message);
}
