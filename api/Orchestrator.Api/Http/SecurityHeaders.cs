namespace Orchestrator.Api.Http;

/// <summary>
/// Headers on every response, errors included: no MIME sniffing, no framing, no referrer, and a Content-Security-Policy
/// that lets a response do nothing in a browser (the API serves JSON and files, never pages), except the interactive
/// reference at /scalar (Development only), whose page runs its own inline module script and same-origin bundle, and the
/// console at /console (docs/console.md), whose pages run no script at all and load only its stylesheet and images.
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

    /// <summary>
    /// The policy of the console's pages: no script of any kind (none is needed: forms and links do everything), styles and
    /// images from this host only, forms posting only to it, never framed. Inline SVG charts use attributes, not styles.
    /// </summary>
    public const string ConsolePolicy = "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'";

    /// <summary>The path of the console.</summary>
    public const string ConsolePath = "/console";

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
                headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(ReferencePath, StringComparison.Ordinal) ? ReferencePolicy
                    : context.Request.Path.StartsWithSegments(ConsolePath, StringComparison.Ordinal) ? ConsolePolicy : ApiPolicy;
            }

            if (context.Request.Path.StartsWithSegments(ConsolePath, StringComparison.Ordinal))
            {
                // Pages show who signed what: never kept by a shared cache or the browser's history cache.
                headers.CacheControl = headers.CacheControl.Count == 0 ? "no-store" : headers.CacheControl;
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Cross-Origin-Resource-Policy"] = "same-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
            }

            return Task.CompletedTask;
        });
        return next(context);
    });
}
