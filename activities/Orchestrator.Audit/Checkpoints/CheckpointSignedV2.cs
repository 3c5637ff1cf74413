using Orchestrator.Audit.Ledger;

namespace Orchestrator.Audit.Checkpoints;

/// <summary>
/// A signed checkpoint of format 2 (in the <see cref="Events.AuditStreams.Checkpoints"/> stream): every
/// stream's head at one moment, chained to the checkpoint before it, and signed. A copy of each is also
/// written outside PostgreSQL (<see cref="ICheckpointAnchorStore"/>). Recorded every checkpoint interval,
/// before each export and on demand.
/// </summary>
/// <param name="Number">1, 2, 3... in the order checkpoints were taken: the checkpoint stream's version.</param>
/// <param name="TakenAt">When the heads were read.</param>
/// <param name="Heads">Every run and model stream's head, ordered by stream id (ordinal).</param>
/// <param name="Previous">The checkpoint before this one (number and digest, of either format); null only for checkpoint 1.</param>
/// <param name="Digest">SHA-256 (hex) of the canonical format-2 body (docs/audit-ledger.md, "Checkpoints").</param>
/// <param name="Algorithm">The signature algorithm; "ECDSA-P256-SHA256" (IEEE P1363 r||s).</param>
/// <param name="KeyId">SHA-256 (hex) of the signing key's SubjectPublicKeyInfo (DER).</param>
/// <param name="Signature">Base64 signature over the canonical body.</param>
public sealed record CheckpointSignedV2(
    long Number, DateTimeOffset TakenAt, IReadOnlyList<StreamHead> Heads, CheckpointLink? Previous, string Digest, string Algorithm, string KeyId, string Signature);

/// <summary>Names a checkpoint: its number and the digest of its body.</summary>
/// <param name="Number">The checkpoint's number.</param>
/// <param name="Digest">SHA-256 (lowercase hex) of its canonical body.</param>
public sealed record CheckpointLink(long Number, string Digest);
