using Orchestrator.Api.Errors;

namespace Orchestrator.Api.Http;

/// <summary>
/// The API's edge (docs/adr/0031): what every request passes before and around its endpoint. Security headers on
/// every response; path and query text refused when it is not plain; authentication and authorization; per-identity
/// rate limits; and the mapping of malformed requests and backend outages to 4xx and 503 problems, logged as one line.
/// </summary>
public static class ApiEdge
{
    public static WebApplicationBuilder AddOrchestratorEdge(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Services.AddSingleton<RequestLog>();
        builder.Services.AddExceptionHandler<ExceptionProblems>();
        // A body that does not bind is the same exception in every environment (Development's default), so it is
        // answered and logged in one place (ExceptionProblems) rather than at Debug here and with a stack trace there.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddOrchestratorRateLimits(builder.Configuration);
        return builder;
    }

    /// <summary>The middleware before the endpoints, in order; call after the problem-details middleware.</summary>
    public static WebApplication UseOrchestratorEdge(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseRequestTextGuard();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }
}
