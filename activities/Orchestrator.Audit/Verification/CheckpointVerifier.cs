using System.Security.Cryptography;
using System.Text.Json;
using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;

namespace Orchestrator.Audit.Verification;

/// <summary>
/// Walks the checkpoint stream's chain, then checks each checkpoint's digest and signature with the public
/// key alone; the heads of the checkpoints that verify become the expectations streams are checked against.
/// </summary>
public static class CheckpointVerifier
{
    /// <summary>Verifies <paramref name="checkpointEntries"/> (the checkpoint stream in version order).</summary>
    public static (CheckpointExpectations Expectations, int Checked) Verify(IEnumerable<StoredEntry> checkpointEntries, ECDsa publicKey, ChainWalker walker)
    {
        ArgumentNullException.ThrowIfNull(checkpointEntries);
        ArgumentNullException.ThrowIfNull(walker);
        var expectations = new CheckpointExpectations();
        var count = 0;
        var keyId = CheckpointSigner.KeyIdOf(publicKey);
        walker.Begin(AuditStreams.Checkpoints);
        foreach (var entry in checkpointEntries)
        {
            walker.Check(entry);
            count++;
            if (Inspect(entry, publicKey, keyId) is { } failure)
            {
                walker.Report(failure);
                continue;
            }

            var checkpoint = JsonSerializer.Deserialize<CheckpointSigned>(entry.DataJson, LedgerJson.Options)!;
            foreach (var head in checkpoint.Heads)
            {
                expectations.Pin(head.StreamId, head.Version, head.Hash, checkpoint.Number);
            }
        }

        walker.End(null);
        return (expectations, count);
    }

    private static VerificationFailure? Inspect(StoredEntry entry, ECDsa publicKey, string keyId)
    {
        CheckpointSigned? checkpoint;
        try
        {
            checkpoint = JsonSerializer.Deserialize<CheckpointSigned>(entry.DataJson, LedgerJson.Options);
        }
        catch (JsonException ex)
        {
            return Failure(FailureKind.CheckpointDigestMismatch, entry, $"the checkpoint cannot be read: {ex.Message}");
        }

        if (checkpoint is null)
        {
            return Failure(FailureKind.CheckpointDigestMismatch, entry, "the checkpoint is empty");
        }

        var body = CheckpointBody.Bytes(checkpoint.Number, checkpoint.TakenAt, checkpoint.Heads);
        if (CheckpointBody.Digest(body) != checkpoint.Digest)
        {
            return Failure(FailureKind.CheckpointDigestMismatch, entry, $"checkpoint {checkpoint.Number}'s body does not hash to its digest {checkpoint.Digest}");
        }

        if (checkpoint.KeyId != keyId || checkpoint.Algorithm != CheckpointSigner.Algorithm || !CheckpointSigner.Verify(body, checkpoint.Signature, publicKey))
        {
            return Failure(FailureKind.CheckpointSignatureInvalid, entry,
                $"checkpoint {checkpoint.Number}'s signature (key {checkpoint.KeyId}) does not verify with the given public key {keyId}");
        }

        return null;
    }

    private static VerificationFailure Failure(FailureKind kind, StoredEntry entry, string message) =>
        new(kind, entry.StreamId, entry.Version, entry.Sequence, message);
}
