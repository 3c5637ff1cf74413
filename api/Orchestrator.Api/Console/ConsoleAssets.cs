using Orchestrator.Activities.Artifacts;
using Orchestrator.Activities.Evaluate;
using Orchestrator.Api.Http;

namespace Orchestrator.Api.Console;

/// <summary>
/// What the console's pages load besides themselves: its stylesheet (embedded in the assembly, so the host serves it
/// from wherever it runs) and the plots of an evidence report, which the page may show as images only because the
/// report's index, fetched by the evidence digest and hash-checked, names them and their bytes hash to those names.
/// </summary>
public static class ConsoleAssets
{
    private static readonly byte[] Css = Load("console.css");
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The stylesheet's version, for its cache-busting query string.</summary>
    public static string StylesheetVersion { get; } = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Css))[..12];

    internal static IResult Stylesheet(HttpContext http)
    {
        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return TypedResults.Bytes(Css, "text/css; charset=utf-8");
    }

    internal static async Task<IResult> EvidenceImageAsync(string evidenceDigest, string file, BlobArtifactStore store, HttpContext http)
    {
        if (!BlobArtifactStore.IsDigest(evidenceDigest) || !file.EndsWith(".png", StringComparison.Ordinal))
        {
            return Problems.NotFound("No such plot.");
        }

        try
        {
            var index = EvidenceBundle.Parse(await store.GetAsync(evidenceDigest, http.RequestAborted));
            if (!index.Files.TryGetValue(file, out var named) || named.MediaType != "image/png")
            {
                return Problems.NotFound($"The evidence {evidenceDigest} names no plot '{file}'.");
            }

            var bytes = await store.GetAsync(named.Digest, http.RequestAborted);
            if (!bytes.AsSpan().StartsWith(PngSignature))
            {
                return Problems.NotFound($"The evidence's '{file}' is not a PNG image.");
            }

            http.Response.Headers.CacheControl = "private, max-age=31536000, immutable";
            return TypedResults.Bytes(bytes, "image/png");
        }
        catch (Exception e) when (e is ArtifactNotFoundException or System.Text.Json.JsonException or InvalidDataException)
        {
            return Problems.NotFound($"No evidence report is stored under {evidenceDigest}.");
        }
    }

    private static byte[] Load(string name)
    {
        using var stream = typeof(ConsoleAssets).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The console's embedded asset '{name}' is missing from the build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
