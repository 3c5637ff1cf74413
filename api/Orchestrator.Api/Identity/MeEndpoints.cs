
namespace Orchestrator.Api.Identity;

/// <summary>GET /api/me: who the API thinks the caller is; the simplest check of a token.</summary>
public static class MeEndpoints
{
    /// <summary>The verified identity of the caller.</summary>
    /// <param name="User">The token's subject.</param>
    /// <param name="Roles">The token's roles, sorted.</param>
    public sealed record MeResponse(string User, IReadOnlyList<string> Roles);

    public static IEndpointRouteBuilder MapMeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me", (HttpContext context) =>
            {
                var (user, roles) = context.Caller();
                return TypedResults.Ok(new MeResponse(user, roles));
            })
            .RequireAuthorization(AccessPolicies.Identify)
            .WithName("GetMe")
            .WithSummary("The caller's verified identity and roles.");
        return app;
    }
}
