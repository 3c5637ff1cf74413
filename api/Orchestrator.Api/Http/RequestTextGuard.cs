using Orchestrator.Api.Errors;

namespace Orchestrator.Api.Http;

/// <summary>
/// Refuses, before authentication and before any handler, a request whose decoded path or query string holds text
/// that is not plain (<see cref="StorableText.IsPlain"/>): U+0000, other control characters, unpaired surrogates.
/// No endpoint takes such text, and PostgreSQL refuses U+0000 with an error the caller should never cause (a 500 for
/// <c>GET /api/runs?requestedBy=%00</c> before this check).
/// </summary>
public static class RequestTextGuard
{
    public static IApplicationBuilder UseRequestTextGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (Problem(context.Request) is { } problem)
        {
            context.RequestServices.GetRequiredService<RequestLog>().Malformed(context, StatusCodes.Status400BadRequest, problem);
            await ProblemResults.WriteAsync(context, StatusCodes.Status400BadRequest, ProblemTypes.BadRequest, "Bad request", problem + ".");
            return;
        }

        await next(context);
    });

    /// <summary>What is wrong with the request's path or query (never quoting it), or null.</summary>
    public static string? Problem(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (StorableText.Problem(request.Path.Value, allowControl: false) is { } inPath)
        {
            return "The path " + inPath;
        }

        foreach (var (key, values) in request.Query)
        {
            if (StorableText.Problem(key, allowControl: false) is { } inKey)
            {
                return "A query parameter name " + inKey;
            }

            foreach (var value in values)
            {
                if (StorableText.Problem(value, allowControl: false) is { } inValue)
                {
                    return $"The query parameter '{key}' " + inValue;
                }
            }
        }

        return null;
    }
}
