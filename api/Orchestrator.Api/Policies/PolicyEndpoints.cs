using System.Text.Json;
using Orchestrator.Api.Http;
using Orchestrator.Api.Identity;
using Orchestrator.Operations.Policies;
using Orchestrator.Workflows.Policies;

namespace Orchestrator.Api.Policies;

/// <summary>/api/policies: the versioned governance policies runs can pin.</summary>
public static class PolicyEndpoints
{
    /// <summary>A policy version in a list.</summary>
    public sealed record PolicySummary(string Name, int Version, string Digest, string Description);

    /// <summary>A policy version with its document.</summary>
    public sealed record PolicyView(string Name, int Version, string Digest, string Description, JsonElement Document);

    /// <summary>The media type of a JSON Schema document.</summary>
    public const string SchemaMediaType = "application/schema+json";

    public static IEndpointRouteBuilder MapPolicyEndpoints(this IEndpointRouteBuilder app)
    {
        var policies = app.MapGroup("/api/policies").WithTags("Policies").RequireAuthorization(AccessPolicies.Read);
        policies.MapGet("/", (PolicyCatalog catalog) => TypedResults.Ok(catalog.All.Select(p => new PolicySummary(p.Name, p.Version, p.Digest, p.Description)).ToList()))
            .WithSummary("Every policy version.");
        policies.MapGet("/schema", () => Results.Text(PolicySchema.Text, SchemaMediaType, System.Text.Encoding.UTF8))
            .Produces<JsonElement>(StatusCodes.Status200OK, SchemaMediaType)
            .WithSummary("The JSON Schema every policy document must meet (generated from the policy types; docs/policy.schema.json).");
        policies.MapGet("/{name}/versions/{version:int}", (string name, int version, PolicyCatalog catalog) =>
                RequestRules.IsName(name) && version > 0 && catalog.Find(new PolicyRef(name, version)) is { } p
                    ? Results.Ok(new PolicyView(p.Name, p.Version, p.Digest, p.Description, JsonDocument.Parse(p.Json).RootElement.Clone()))
                    : Problems.NotFound($"No policy '{name}' version {version}."))
            .WithSummary("One policy version and its document.");
        return app;
    }
}
