using Orchestrator.Api.Http;
using Orchestrator.Api.Identity;

namespace Orchestrator.Api.Datasets;

/// <summary>/api/datasets: register a named source; list the versions runs acquired from it.</summary>
public static class DatasetEndpoints
{
    public static IEndpointRouteBuilder MapDatasetEndpoints(this IEndpointRouteBuilder app)
    {
        var datasets = app.MapGroup("/api/datasets").WithTags("Datasets");
        datasets.MapPost("/", RegisterAsync).RequireAuthorization(AccessPolicies.StartRuns).Validated<RegisterDatasetRequest>()
            .WithSummary("Register a dataset source (201; 200 when the same source is registered again; 409 for a different one).");
        datasets.MapGet("/{name}", async (string name, DatasetRegistry registry, CancellationToken cancellationToken) =>
                RequestRules.IsName(name) && await registry.FindAsync(name, cancellationToken) is { } found ? Results.Ok(found) : Problems.NotFound($"No dataset '{name}'."))
            .RequireAuthorization(AccessPolicies.Read).WithSummary("A registered dataset source.");
        datasets.MapGet("/{name}/versions", async (string name, DatasetRegistry registry, CancellationToken cancellationToken) =>
                RequestRules.IsName(name) && await registry.FindAsync(name, cancellationToken) is not null
                    ? Results.Ok(await registry.VersionsAsync(name, cancellationToken))
                    : Problems.NotFound($"No dataset '{name}'."))
            .RequireAuthorization(AccessPolicies.Read).WithSummary("The dataset versions (manifest digests) runs acquired from the source.");
        return app;
    }

    private static async Task<IResult> RegisterAsync(RegisterDatasetRequest request, HttpContext http, DatasetRegistry registry, TimeProvider time)
    {
        var (user, _) = http.Caller();
        var (created, stored) = await registry.RegisterAsync(new DatasetRegistration(request.Name, request.Source, request.Description, user, time.GetUtcNow()), http.RequestAborted);
        if (created)
        {
            return TypedResults.Created($"/api/datasets/{request.Name}", stored);
        }

        return Same(stored, request) ? TypedResults.Ok(stored) : Problems.Conflict($"The dataset '{request.Name}' is registered with a different source.");
    }

    private static bool Same(DatasetRegistration stored, RegisterDatasetRequest request) =>
        stored.Description == request.Description && stored.Source with { Parameters = null } == request.Source with { Parameters = null }
        && (stored.Source.Parameters ?? []).OrderBy(p => p.Key).SequenceEqual((request.Source.Parameters ?? []).OrderBy(p => p.Key));
}
