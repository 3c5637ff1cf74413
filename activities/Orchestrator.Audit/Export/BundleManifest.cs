namespace Orchestrator.Audit.Export;

/// <summary>
/// manifest.json of an export bundle: what it holds and the SHA-256 of every other file, so an auditor
/// can tell a complete bundle from an edited one (docs/audit-ledger.md, "Export bundles").
/// </summary>
/// <param name="Format">Always <see cref="FormatName"/>.</param>
/// <param name="Spec">The canonical serialization version of the entries.</param>
/// <param name="CreatedAt">When the bundle was written.</param>
/// <param name="Streams">Every exported stream with the last version the ledger declared for it.</param>
/// <param name="EventCount">Lines in events.jsonl.</param>
/// <param name="CheckpointCount">Lines in checkpoints.jsonl.</param>
/// <param name="PublicKeyId">SHA-256 (hex) of the checkpoint public key's DER.</param>
/// <param name="Files">File name to lowercase hex SHA-256.</param>
public sealed record BundleManifest(
    string Format,
    int Spec,
    DateTimeOffset CreatedAt,
    IReadOnlyList<ExportedStreamHead> Streams,
    long EventCount,
    long CheckpointCount,
    string PublicKeyId,
    IReadOnlyDictionary<string, string> Files)
{
    /// <summary>The bundle format name.</summary>
    public const string FormatName = "orchestrator-audit-bundle/1";

    /// <summary>The manifest's file name.</summary>
    public const string FileName = "manifest.json";

    /// <summary>The ledger entries of the exported run and model streams, ordered by stream id then version.</summary>
    public const string EventsFile = "events.jsonl";

    /// <summary>The checkpoint stream's entries, by version.</summary>
    public const string CheckpointsFile = "checkpoints.jsonl";

    /// <summary>The checkpoint public key (SubjectPublicKeyInfo PEM), for information: auditors verify with a key they obtained independently.</summary>
    public const string PublicKeyFile = "public-key.pem";
}

/// <summary>An exported stream and the last version the ledger declared for it.</summary>
public sealed record ExportedStreamHead(string Id, long Version);
