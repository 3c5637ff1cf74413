using System.Text.Json;
using Orchestrator.Operations.Artifacts;

namespace Orchestrator.Operations.Evidence;

/// <summary>One stored file of the evidence report.</summary>
/// <param name="Digest">"sha256:..." of the file.</param>
/// <param name="Uri">Where it is stored.</param>
/// <param name="MediaType">Its media type.</param>
public sealed record EvidenceFile(string Digest, string Uri, string MediaType);

/// <summary>
/// The evidence report as stored: every rendered file by digest, plus an index naming them. The index's
/// digest is the evidence digest of the gate outcome and the approval request, so one digest binds the
/// JSON report, the Markdown, the model card and the plots approvers looked at.
/// </summary>
public sealed record EvidenceBundle(string ModelName, int Version, string OnnxDigest, IReadOnlyDictionary<string, EvidenceFile> Files)
{
    /// <summary>Media type of the index document.</summary>
    public const string IndexMediaType = "application/vnd.orchestrator.evaluation-evidence.v1+json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Stores each file (content-addressed, so a retry rewrites nothing new) and then the index.</summary>
    public static async Task<(EvidenceBundle Bundle, ArtifactRef Index)> StoreAsync(BlobArtifactStore store, string modelName, int version, string onnxDigest,
        IReadOnlyDictionary<string, byte[]> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(files);
        var stored = new SortedDictionary<string, EvidenceFile>(StringComparer.Ordinal);
        foreach (var (name, bytes) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var mediaType = MediaType(name);
            var artifact = await store.PutAsync(bytes, mediaType, cancellationToken).ConfigureAwait(false);
            stored[name] = new EvidenceFile(artifact.Digest, artifact.Uri, mediaType);
        }

        var bundle = new EvidenceBundle(modelName, version, onnxDigest, stored);
        var index = await store.PutAsync(JsonSerializer.SerializeToUtf8Bytes(bundle, Json), IndexMediaType, cancellationToken).ConfigureAwait(false);
        return (bundle, index);
    }

    /// <summary>Parses a stored index.</summary>
    public static EvidenceBundle Parse(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<EvidenceBundle>(json, Json) ?? throw new InvalidDataException("Empty evaluation evidence index.");

    private static string MediaType(string name) => Path.GetExtension(name) switch
    {
        ".json" => "application/json",
        ".md" => "text/markdown; charset=utf-8",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };
}
