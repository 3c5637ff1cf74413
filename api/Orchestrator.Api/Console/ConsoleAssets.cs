using Orchestrator.Api.Http;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Operations.Evidence;

namespace Orchestrator.Api.Console;

/// <summary>
/// What the console's pages load besides themselves: its stylesheet (embedded in the assembly, so the host serves it
/// from wherever it runs) and the plots of an evidence report, which the page may show as images only because the
/// report's index, fetched by the evidence digest and hash-checked, names them and their bytes hash to those names.
/// </summary>
public static class ConsoleAssets
{
    private static readonly byte[] Css = Load("console.css");

    /// <summary>The stylesheet's version, for its cache-busting query string.</summary>
    public static string StylesheetVersion { get; } = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Css))[..12];

    internal static IResult Stylesheet(HttpContext http)
    {
        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return TypedResults.Bytes(Css, "text/css; charset=utf-8");
    }

    internal static async Task<IResult> EvidenceImageAsync(string evidenceDigest, string file, EvidenceReader evidence, HttpContext http)
    {
        try
        {
            if (await evidence.PlotAsync(evidenceDigest, file, http.RequestAborted) is not { } bytes)
            {
                return Problems.NotFound($"The evidence {evidenceDigest} names no PNG plot '{file}'.");
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
