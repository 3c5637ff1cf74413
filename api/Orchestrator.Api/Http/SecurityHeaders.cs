namespace Orchestrator.Api.Http;

/// <summary>
/// Headers on every response, errors included: no MIME sniffing, no framing, no referrer, and a Content-Security-Policy
/// that lets a response do nothing in a browser (the API serves JSON and files, never pages), except the interactive
/// reference at /scalar (Development only), whose page runs its own inline module script and same-origin bundle.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>The policy of API responses: nothing loads, nothing frames it.</summary>
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /// <summary>The policy of downloaded artifacts: as for the API, and a sandbox should a browser render one anyway.</summary>
    public const string ArtifactPolicy = ApiPolicy + "; sandbox";

    /// <summary>The policy of the /scalar page: same-origin scripts (with its inline bootstrap), styles, images and calls.</summary>
    public const string ReferencePolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        + "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    /// <summary>The path of the interactive reference.</summary>
    public const string ReferencePath = "/scalar";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
            {
                headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(ReferencePath, StringComparison.Ordinal) ? ReferencePolicy : ApiPolicy;
            }

            return Task.CompletedTask;
        });
        return next(context);
    });
}
