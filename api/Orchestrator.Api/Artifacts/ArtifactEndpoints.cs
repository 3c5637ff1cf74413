using Microsoft.Net.Http.Headers;
using Orchestrator.Api.Http;
using Orchestrator.Api.Identity;
using Orchestrator.Contracts;
using Orchestrator.Operations.Artifacts;

namespace Orchestrator.Api.Artifacts;

/// <summary>
/// /api/artifacts/{digest}: the content-addressed artifacts the ledger's evidence names (evidence reports,
/// model cards, manifests, checkpoints, ONNX models), streamed from Blob Storage to anyone who may read runs,
/// so approvers and auditors need no storage credentials. The digest is the name, so a response never changes:
/// it carries the digest as its ETag and in Repr-Digest (RFC 9530) for the client to check, and the stream is
/// cut short if the stored bytes do not hash to it. Every artifact is served as an attachment of type
/// application/octet-stream with a sandboxing Content-Security-Policy, whatever the blob's metadata says.
/// </summary>
public static partial class ArtifactEndpoints
{
    public static IEndpointRouteBuilder MapArtifactEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/artifacts/{digest}", GetAsync).WithTags("Artifacts").RequireAuthorization(AccessPolicies.Read)
            .WithSummary("Download an artifact by its digest (sha256:<64 lowercase hex digits>), as named in a run's evidence or a ledger entry.");
        return app;
    }

    /// <summary>The download handler; the console maps it too, under its own session policy.</summary>
    internal static async Task<IResult> GetAsync(string digest, HttpContext http, BlobArtifactStore store, ILoggerFactory loggers)
    {
        if (!Digest.IsValid(digest))
        {
            return Problems.Validation("digest", "An artifact digest has the form sha256:<64 lowercase hex digits>.");
        }

        var etag = new EntityTagHeaderValue($"\"{digest}\"");
        if (http.Request.GetTypedHeaders().IfNoneMatch.Any(t => t.Compare(etag, useStrongComparison: false) || t.Equals(EntityTagHeaderValue.Any)))
        {
            SetHeaders(http.Response, etag, digest);
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        ArtifactDownload artifact;
        try
        {
            artifact = await store.OpenReadAsync(digest, http.RequestAborted);
        }
        catch (ArtifactNotFoundException)
        {
            return Problems.NotFound($"No artifact is stored under {digest}.");
        }

        await using (artifact)
        {
            // Headers first: once the body starts the status can no longer change, so an integrity failure
            // found at the end of the stream aborts the response (the client sees a truncated download).
            SetHeaders(http.Response, etag, digest);
            // Bytes to save, never a page to render: the stored media type is blob metadata, which whoever can write
            // to the storage account sets (text/html would run as this origin's page), so it is not served.
            http.Response.ContentType = "application/octet-stream";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{digest.Replace(':', '-')}\"";
            http.Response.ContentLength = artifact.Length;
            try
            {
                await CopyHoldingBackAsync(artifact.Content, http.Response.Body, http.RequestAborted);
            }
            catch (ArtifactIntegrityException e)
            {
                var logger = loggers.CreateLogger(typeof(ArtifactEndpoints));
                IntegrityFailed(logger, e, digest);
                http.Abort();
            }
        }

        return Results.Empty;
    }

    /// <summary>
    /// Copies with one chunk held back until the next read succeeds: the verifying stream throws on its final
    /// read, so a tampered artifact's last chunk is never sent and the client sees fewer bytes than Content-Length.
    /// </summary>
    private static async Task CopyHoldingBackAsync(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        var current = new byte[1 << 16];
        var ahead = new byte[1 << 16];
        var have = await source.ReadAsync(current, cancellationToken);
        while (have > 0)
        {
            var got = await source.ReadAsync(ahead, cancellationToken);
            await destination.WriteAsync(current.AsMemory(0, have), cancellationToken);
            (current, ahead) = (ahead, current);
            have = got;
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Artifact {Digest} failed its integrity check while being served; the response was cut short")]
    private static partial void IntegrityFailed(ILogger logger, Exception exception, string digest);

    private static void SetHeaders(HttpResponse response, EntityTagHeaderValue etag, string digest)
    {
        var headers = response.GetTypedHeaders();
        headers.ETag = etag;
        // Content-addressed: the bytes behind a digest never change, but they are not public.
        headers.CacheControl = new CacheControlHeaderValue { Private = true, MaxAge = TimeSpan.FromDays(365), Extensions = { new NameValueHeaderValue("immutable") } };
        response.Headers.ContentSecurityPolicy = SecurityHeaders.ArtifactPolicy;
        response.Headers["Repr-Digest"] = $"sha-256=:{Convert.ToBase64String(Digest.Parse(digest).ToBytes())}:";
    }
}
