namespace Orchestrator.Api.Errors;

/// <summary>
/// The stable <c>type</c> URIs of the API's RFC 7807 problem details. Clients branch on these,
/// never on the human-readable title or detail.
/// </summary>
public static class ProblemTypes
{
    private const string Base = "https://orchestrator.dev/problems/";

    public const string Validation = Base + "validation";
    public const string Unauthorized = Base + "unauthorized";
    public const string Forbidden = Base + "forbidden";
    public const string NotFound = Base + "not-found";
    public const string MethodNotAllowed = Base + "method-not-allowed";
    public const string Conflict = Base + "conflict";

    /// <summary>Weights that do not fit the architecture (400): the extensions name the first bad key and what is wrong with it.</summary>
    public const string WeightsMismatch = Base + "weights-mismatch";
    public const string PayloadTooLarge = Base + "payload-too-large";
    public const string UnsupportedMediaType = Base + "unsupported-media-type";
    public const string BadRequest = Base + "bad-request";
    public const string Unavailable = Base + "unavailable";
    public const string TooManyRequests = Base + "rate-limited";
    public const string Internal = Base + "internal";

    /// <summary>The type for a bare status code (404 from routing, 415 from model binding, ...).</summary>
    public static string ForStatus(int status) => status switch
    {
        400 => BadRequest,
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        409 => Conflict,
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        429 => TooManyRequests,
        503 => Unavailable,
        _ when status >= 500 => Internal,
        _ => BadRequest,
    };
}

/// <summary>Request size bounds enforced by Kestrel and the endpoints.</summary>
public static class RequestLimits
{
    /// <summary>The largest request body accepted anywhere (16 MiB).</summary>
    public const long MaxBodyBytes = 16L * 1024 * 1024;
}
