using Orchestrator.Audit.Ledger;

namespace Orchestrator.Audit.Checkpoints;

/// <summary>
/// A signed checkpoint of format 1 (in the <see cref="Events.AuditStreams.Checkpoints"/> stream): every
/// stream's head at one moment, one digest over all of them and the signature of that digest's input.
/// Written until checkpoints were chained (ADR 0024); still recorded in older ledgers and still verified.
/// New checkpoints are <see cref="CheckpointSignedV2"/>.
/// </summary>
/// <param name="Number">1, 2, 3... in the order checkpoints were taken.</param>
/// <param name="TakenAt">When the heads were read.</param>
/// <param name="Heads">Every run and model stream's head, ordered by stream id (ordinal).</param>
/// <param name="Digest">SHA-256 (hex) of the canonical checkpoint body (docs/audit-ledger.md, "Checkpoints").</param>
/// <param name="Algorithm">The signature algorithm; "ECDSA-P256-SHA256" (IEEE P1363 r||s).</param>
/// <param name="KeyId">SHA-256 (hex) of the signing key's SubjectPublicKeyInfo (DER).</param>
/// <param name="Signature">Base64 signature over the canonical checkpoint body.</param>
public sealed record CheckpointSigned(long Number, DateTimeOffset TakenAt, IReadOnlyList<StreamHead> Heads, string Digest, string Algorithm, string KeyId, string Signature);
