using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace Orchestrator.Api.Errors;

/// <summary>Every error the API answers is RFC 7807 problem details with a stable type and the trace id.</summary>
public static class ProblemResults
{
    public static IServiceCollection AddOrchestratorProblemDetails(this IServiceCollection services) =>
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            if (string.IsNullOrEmpty(problem.Type) || problem.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal))
            {
                problem.Type = ProblemTypes.ForStatus(status);
            }

            if (context.Exception is BadHttpRequestException bad)
            {
                problem.Status = bad.StatusCode;
                problem.Type = ProblemTypes.ForStatus(bad.StatusCode);
                problem.Detail = bad.Message;
                context.HttpContext.Response.StatusCode = bad.StatusCode;
            }

            // Every 503 is an outage or a full server: tell the client when to come back (RFC 9110 §10.2.3).
            if (status == StatusCodes.Status503ServiceUnavailable && !context.HttpContext.Response.Headers.ContainsKey("Retry-After"))
            {
                context.HttpContext.Response.Headers.RetryAfter = ExceptionProblems.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            problem.Extensions["traceId"] = context.HttpContext.Features.Get<IHttpActivityFeature>()?.Activity?.TraceId.ToString()
                ?? context.HttpContext.TraceIdentifier;
        });

    public static WebApplication UseOrchestratorProblemDetails(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : 500 });
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>Writes a problem response directly (for authentication handlers, which run before endpoints).</summary>
    public static async Task WriteAsync(HttpContext context, int status, string type, string title, string detail)
    {
        context.Response.StatusCode = status;
        var writer = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await writer.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail },
        });
    }
}
