using System.Net;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Orchestrator.Api.Identity;
using Orchestrator.Client;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.Security;

public sealed class AuthorizationMatrixTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    public static TheoryData<string> BadTokens => ["missing", "expired", "wrong-key", "wrong-audience", "garbage"];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task EveryEndpoint_BadToken_Returns401Problem(string kind)
    {
        var token = kind switch
        {
            "missing" => null,
            "expired" => api.Token("eve", [.. Roles.All], TimeSpan.FromMinutes(5), DateTime.UtcNow.AddHours(-2)),
            "wrong-key" => api.Token("eve", [.. Roles.All], key: new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32))),
            "wrong-audience" => DevelopmentTokens.Mint(api.SigningKey, ApiFactory.Issuer, "someone-else", "eve", [.. Roles.All], TimeSpan.FromMinutes(5), null),
            _ => "not.a.token",
        };
        using var client = api.CreateClient();
        var endpoints = await ApiEndpoints.ProtectedAsync(api.Services);
        var wrong = new List<string>();

        foreach (var endpoint in endpoints)
        {
            using var response = await client.SendAsync(ApiEndpoints.Request(endpoint, token), Token);
            if (response.StatusCode != HttpStatusCode.Unauthorized || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                wrong.Add($"{endpoint}: {(int)response.StatusCode}");
            }
        }

        endpoints.Count.ShouldBeGreaterThan(15);
        wrong.ShouldBeEmpty();
    }

    [Fact]
    public async Task EveryEndpoint_RoleOutsideItsPolicy_Returns403AndAllowedRolesGetPast()
    {
        using var client = api.CreateClient();
        var endpoints = await ApiEndpoints.ProtectedAsync(api.Services);
        var wrong = new List<string>();

        foreach (var endpoint in endpoints)
        {
            foreach (var role in Roles.Known.Append("no-role"))
            {
                using var response = await client.SendAsync(ApiEndpoints.Request(endpoint, api.Token("mallory", [role])), Token);
                var allowed = endpoint.AllowedRoles.Contains(role);
                var refused = response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized;
                if (allowed == refused || (int)response.StatusCode >= 500)
                {
                    wrong.Add($"{endpoint} as {role}: {(int)response.StatusCode}");
                }
            }
        }

        wrong.ShouldBeEmpty();
    }

    [Fact]
    public async Task Auditor_EveryWriteEndpoint_Returns403()
    {
        using var auditor = api.ClientAs("audrey", Roles.Auditor);
        var writes = (await ApiEndpoints.ProtectedAsync(api.Services))
            // Verify and export are the auditor's own (read-only) operations. Predictions are writes: they feed the
            // canary and drift decisions, so predict is refused too.
            .Where(e => e.Method != "GET" && !e.Url.StartsWith("/api/audit/", StringComparison.Ordinal))
            .ToList();
        var wrong = new List<string>();

        foreach (var endpoint in writes)
        {
            using var response = await auditor.SendAsync(ApiEndpoints.Request(endpoint, null), Token);
            if (response.StatusCode != HttpStatusCode.Forbidden)
            {
                wrong.Add($"{endpoint}: {(int)response.StatusCode}");
            }
        }

        writes.Count.ShouldBeGreaterThan(5);
        writes.ShouldContain(e => e.Url.EndsWith("/predict", StringComparison.Ordinal));
        writes.ShouldContain(e => e.Url.EndsWith("/feedback", StringComparison.Ordinal));
        wrong.ShouldBeEmpty();
    }

    [Fact]
    public async Task Predictor_OnlyPredictAndMe_EverythingElseReturns403()
    {
        using var predictor = api.ClientAs("svc-shop", Roles.Predictor);
        var endpoints = await ApiEndpoints.ProtectedAsync(api.Services);
        var wrong = new List<string>();

        foreach (var endpoint in endpoints)
        {
            using var response = await predictor.SendAsync(ApiEndpoints.Request(endpoint, null), Token);
            var allowed = endpoint.Url.EndsWith("/predict", StringComparison.Ordinal) || endpoint.Url == "/api/me";
            if ((response.StatusCode == HttpStatusCode.Forbidden) == allowed || (int)response.StatusCode >= 500)
            {
                wrong.Add($"{endpoint}: {(int)response.StatusCode}");
            }
        }

        endpoints.Count(e => e.AllowedRoles.Contains(Roles.Predictor)).ShouldBe(3);
        wrong.ShouldBeEmpty();
    }

    [Fact]
    public void PredictPolicy_AdmitsPredictorMlEngineerAndAdminOnly()
    {
        Roles.Predictors.ShouldBe([Roles.Predictor, Roles.MlEngineer, Roles.Admin], ignoreOrder: true);
        Roles.All.ShouldNotContain(Roles.Predictor); // the people's roles read; the predict callers' role does not
    }
}
