using Orchestrator.Audit.Checkpoints;

namespace Orchestrator.Audit.Export;

/// <summary>
/// manifest.json of an export bundle: what it holds (streams with their heads, the checkpoint chain, counts)
/// and the SHA-256 of every other file. The exporter signs the file's exact bytes with the checkpoint key
/// (<see cref="SignatureFile"/>), so nothing can be removed from a bundle, manifest included, without the key
/// (docs/audit-ledger.md, "Export bundles").
/// </summary>
/// <param name="Format">Always <see cref="FormatName"/>.</param>
/// <param name="Spec">The canonical serialization version of the entries.</param>
/// <param name="CreatedAt">When the bundle was written.</param>
/// <param name="Scope"><see cref="LedgerScope"/> (every stream the last checkpoint covers) or <see cref="StreamsScope"/> (the streams asked for).</param>
/// <param name="Streams">Every exported stream with its head: the last checkpoint's head of that stream (its version is its entry count).</param>
/// <param name="EventCount">Lines in events.jsonl.</param>
/// <param name="Checkpoints">The checkpoint chain in checkpoints.jsonl, by number; the last one covers every exported entry.</param>
/// <param name="CheckpointCount">Lines in checkpoints.jsonl.</param>
/// <param name="PublicKeyId">SHA-256 (hex) of the checkpoint public key's DER: the key that signed the checkpoints and this manifest.</param>
/// <param name="Files">File name to lowercase hex SHA-256.</param>
public sealed record BundleManifest(
    string Format,
    int Spec,
    DateTimeOffset CreatedAt,
    string Scope,
    IReadOnlyList<ExportedStreamHead> Streams,
    long EventCount,
    IReadOnlyList<CheckpointLink> Checkpoints,
    long CheckpointCount,
    string PublicKeyId,
    IReadOnlyDictionary<string, string> Files)
{
    /// <summary>The bundle format name.</summary>
    public const string FormatName = "orchestrator-audit-bundle/2";

    /// <summary>The first format: its manifest was not signed, so it cannot show that nothing was removed. Refused.</summary>
    public const string UnsignedFormatName = "orchestrator-audit-bundle/1";

    /// <summary>Scope of an export of every stream.</summary>
    public const string LedgerScope = "ledger";

    /// <summary>Scope of an export of chosen streams.</summary>
    public const string StreamsScope = "streams";

    /// <summary>The manifest's file name.</summary>
    public const string FileName = "manifest.json";

    /// <summary>Base64 ECDSA P-256 / SHA-256 signature (IEEE P1363) over the exact bytes of manifest.json.</summary>
    public const string SignatureFile = "manifest.sig";

    /// <summary>The ledger entries of the exported run and model streams, ordered by stream id then version.</summary>
    public const string EventsFile = "events.jsonl";

    /// <summary>The checkpoint stream's entries, by version.</summary>
    public const string CheckpointsFile = "checkpoints.jsonl";

    /// <summary>The checkpoint public key (SubjectPublicKeyInfo PEM), for information: auditors verify with a key (or fingerprint) they obtained independently.</summary>
    public const string PublicKeyFile = "public-key.pem";

    /// <summary>The files a manifest may list (and must list, but for the key).</summary>
    public static IReadOnlyList<string> ListedFiles { get; } = [EventsFile, CheckpointsFile, PublicKeyFile];
}

/// <summary>An exported stream and its head: the last version and its chain hash, as the bundle's last checkpoint recorded them.</summary>
public sealed record ExportedStreamHead(string Id, long Version, string Hash);
