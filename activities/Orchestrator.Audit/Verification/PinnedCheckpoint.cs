using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Events;

namespace Orchestrator.Audit.Verification;

/// <summary>
/// A checkpoint an auditor saw before and pins by its digest (<c>audit verify --anchor sha256:...</c>): the
/// ledger (or bundle) must still hold it, verified, or the verification fails. It catches the deletion of
/// checkpoints newer than any external copy the auditor can reach.
/// </summary>
public static class PinnedCheckpoint
{
    /// <summary>Reads "sha256:&lt;64 lowercase hex&gt;" or the bare 64 hex digits; null when it is neither.</summary>
    public static string? Parse(string? text)
    {
        if (Contracts.Digest.TryParse(text, out var digest))
        {
            return digest.Hex;
        }

        return text is { Length: Contracts.Digest.HexLength } && text.All(char.IsAsciiHexDigitLower) ? text : null;
    }

    /// <summary>Reports a failure into <paramref name="walker"/> unless a verified checkpoint of <paramref name="chain"/> has digest <paramref name="digest"/>.</summary>
    public static void Check(string digest, CheckpointChain chain, IReadOnlyList<CheckpointAnchor> copies, ChainWalker walker)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(copies);
        ArgumentNullException.ThrowIfNull(walker);
        if (chain.Verified.Any(c => c.Digest == digest))
        {
            return;
        }

        var recorded = chain.Recorded.Values.FirstOrDefault(c => c.Digest == digest);
        var copy = copies.FirstOrDefault(c => Digest(c) == digest);
        var message = recorded is not null
            ? $"the pinned checkpoint sha256:{digest} (checkpoint {recorded.Number}) is in the ledger but does not verify: it was altered"
            : copy is not null
                ? $"the pinned checkpoint sha256:{digest} (checkpoint {copy.Number}) is no longer in the ledger (its copy outside the database is): it was deleted"
                : $"no checkpoint with digest sha256:{digest} is in the ledger: the pinned checkpoint was deleted or altered";
        walker.Report(new VerificationFailure(FailureKind.PinnedCheckpointMissing, AuditStreams.Checkpoints, recorded?.Number ?? copy?.Number, null, message));
    }

    private static string? Digest(CheckpointAnchor copy)
    {
        try
        {
            return copy.Read().Digest;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
