using System.Security.Cryptography;
using System.Text.Json;
using Orchestrator.Audit.Ledger;

namespace Orchestrator.Audit.Checkpoints;

/// <summary>
/// A recorded checkpoint of either format (<see cref="CheckpointSigned"/>, <see cref="CheckpointSignedV2"/>) as
/// verification, anchoring and export see it: what it pins, how it links to its predecessor, and the body bytes
/// its digest and signature cover.
/// </summary>
/// <param name="Format">1 (unchained, recorded before ADR 0024) or 2 (chained).</param>
/// <param name="Number">The checkpoint's number (its version in the checkpoint stream).</param>
/// <param name="TakenAt">When its heads were read.</param>
/// <param name="Heads">Every run and model stream's head, ordered by stream id.</param>
/// <param name="Previous">Format 2: the checkpoint before it, or null for checkpoint 1. Always null for format 1.</param>
/// <param name="Digest">The recorded SHA-256 of the body.</param>
/// <param name="Algorithm">The recorded signature algorithm.</param>
/// <param name="KeyId">The recorded signing key id.</param>
/// <param name="Signature">The recorded base64 signature.</param>
public sealed record SignedCheckpoint(
    int Format, long Number, DateTimeOffset TakenAt, IReadOnlyList<StreamHead> Heads, CheckpointLink? Previous, string Digest, string Algorithm, string KeyId, string Signature)
{
    /// <summary>The stored type name of format-1 checkpoints.</summary>
    public static string TypeV1 { get; } = LedgerJson.TypeName(typeof(CheckpointSigned));

    /// <summary>The stored type name of format-2 checkpoints.</summary>
    public static string TypeV2 { get; } = LedgerJson.TypeName(typeof(CheckpointSignedV2));

    /// <summary>This checkpoint as a link, as its successor names it.</summary>
    public CheckpointLink Link => new(Number, Digest);

    /// <summary>The canonical body bytes of this checkpoint's format.</summary>
    public byte[] Body() => Format == 1
        ? CheckpointBody.Bytes(Number, TakenAt, Heads)
        : CheckpointBody.BytesV2(Number, TakenAt, Heads, Previous);

    /// <summary>A format-2 checkpoint as the recorded event.</summary>
    public static SignedCheckpoint From(CheckpointSignedV2 checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return new(2, checkpoint.Number, checkpoint.TakenAt, checkpoint.Heads, checkpoint.Previous, checkpoint.Digest, checkpoint.Algorithm, checkpoint.KeyId, checkpoint.Signature);
    }

    /// <summary>Reads a checkpoint entry's data by its stored type name.</summary>
    /// <exception cref="FormatException">The type is not a checkpoint, the JSON is malformed, or a member is missing.</exception>
    public static SignedCheckpoint Read(string type, string json)
    {
        try
        {
            if (type == TypeV2)
            {
                var v2 = JsonSerializer.Deserialize<CheckpointSignedV2>(json, LedgerJson.Options) ?? throw new FormatException("the checkpoint is null");
                return Complete(From(v2));
            }

            if (type == TypeV1)
            {
                var v1 = JsonSerializer.Deserialize<CheckpointSigned>(json, LedgerJson.Options) ?? throw new FormatException("the checkpoint is null");
                return Complete(new SignedCheckpoint(1, v1.Number, v1.TakenAt, v1.Heads, null, v1.Digest, v1.Algorithm, v1.KeyId, v1.Signature));
            }
        }
        catch (JsonException e)
        {
            throw new FormatException($"the checkpoint cannot be read: {e.Message}", e);
        }

        throw new FormatException($"'{type}' is not a checkpoint type");
    }

    /// <summary>The format-2 event of this checkpoint (what the anchor store holds a copy of).</summary>
    public CheckpointSignedV2 ToV2() => Format == 2
        ? new CheckpointSignedV2(Number, TakenAt, Heads, Previous, Digest, Algorithm, KeyId, Signature)
        : throw new InvalidOperationException("Only format-2 checkpoints are anchored.");

    /// <summary>What is wrong with the digest or signature, checked with <paramref name="publicKey"/> alone; null when both hold.</summary>
    public string? Problem(ECDsa publicKey, string keyId) => DigestProblem() ?? SignatureProblem(publicKey, keyId);

    /// <summary>Null when the body hashes to the recorded digest; otherwise what differs.</summary>
    public string? DigestProblem()
    {
        var digest = CheckpointBody.Digest(Body());
        return digest == Digest ? null : $"checkpoint {Number}'s body hashes to {digest}, not to its recorded digest {Digest}";
    }

    /// <summary>Null when the signature over the body verifies with <paramref name="publicKey"/> (whose id is <paramref name="keyId"/>).</summary>
    public string? SignatureProblem(ECDsa publicKey, string keyId)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        return KeyId != keyId || Algorithm != CheckpointSigner.Algorithm || !CheckpointSigner.Verify(Body(), Signature, publicKey)
            ? $"checkpoint {Number}'s signature (key {KeyId}) does not verify with the given public key {keyId}"
            : null;
    }

    // The serializer leaves absent members null whatever the record declares: refuse them here, by name.
    private static SignedCheckpoint Complete(SignedCheckpoint c)
    {
        string? missing = c.Heads is null ? "Heads"
            : c.Heads.Any(h => h is null || h.StreamId is null || h.Hash is null) ? "Heads[]"
            : c.Digest is null ? "Digest"
            : c.Algorithm is null ? "Algorithm"
            : c.KeyId is null ? "KeyId"
            : c.Signature is null ? "Signature"
            : c.Previous is { Digest: null } ? "Previous.Digest"
            : null;
        return missing is null ? c : throw new FormatException($"checkpoint {c.Number} has no '{missing}'");
    }
}
