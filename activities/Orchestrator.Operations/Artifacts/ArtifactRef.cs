namespace Orchestrator.Operations.Artifacts;

/// <summary>
/// A stored artifact, named by the SHA-256 of its bytes. Events and workflow payloads carry this,
/// never the bytes themselves.
/// </summary>
/// <param name="Digest">The text form of the bytes' <see cref="Contracts.Digest"/>.</param>
/// <param name="Uri">Where the bytes live (the blob's URI).</param>
/// <param name="Size">Length in bytes.</param>
/// <param name="MediaType">IANA media type of the content.</param>
public sealed record ArtifactRef(string Digest, string Uri, long Size, string MediaType);
