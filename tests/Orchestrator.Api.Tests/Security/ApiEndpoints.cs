using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Orchestrator.Api.Tests.Security;

/// <summary>One protected endpoint of the running API, with a concrete URL and the roles its policy admits.</summary>
public sealed record ProtectedEndpoint(string Method, string Url, IReadOnlySet<string> AllowedRoles)
{
    public override string ToString() => $"{Method} {Url}";
}

/// <summary>Every /api endpoint the host actually maps (so endpoints added later are covered without editing the tests).</summary>
public static class ApiEndpoints
{
    public static async Task<IReadOnlyList<ProtectedEndpoint>> ProtectedAsync(IServiceProvider services)
    {
        var policies = services.GetRequiredService<IAuthorizationPolicyProvider>();
        var found = new List<ProtectedEndpoint>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern;
            if (pattern.RawText is not { } raw || !raw.TrimStart('/').StartsWith("api/", StringComparison.Ordinal))
            {
                continue;
            }

            var policy = await AuthorizationPolicy.CombineAsync(policies, endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>(), endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>())
                ?? throw new InvalidOperationException($"{raw} has no authorization policy: every /api endpoint needs one");
            var roles = policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).ToHashSet(StringComparer.Ordinal);
            var url = "/" + string.Join("/", pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
            {
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart p when p.ParameterPolicies.Any(x => x.Content == "int") => "1",
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart p when p.ParameterPolicies.Any(x => x.Content == "guid") => Guid.Empty.ToString(),
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart => "x1",
                _ => "",
            }))));
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                found.Add(new ProtectedEndpoint(method, url, roles));
            }
        }

        return found;
    }

    public static HttpRequestMessage Request(ProtectedEndpoint endpoint, string? token)
    {
        var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Url);
        if (endpoint.Method != "GET")
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }
}
