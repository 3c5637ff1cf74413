using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.Tokens;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Identity;
using Orchestrator.Client;

namespace Orchestrator.Api.Tests.Identity;

public sealed class AuthenticationTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private async Task<(HttpStatusCode Status, ProblemDetails? Problem)> GetMeWith(string? bearer)
    {
        using var client = api.CreateClient();
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await client.GetAsync("/api/me", Token);
        var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
            ? await response.Content.ReadFromJsonAsync<ProblemDetails>(Token)
            : null;
        return (response.StatusCode, problem);
    }

    [Fact]
    public async Task GetMe_ValidToken_ReturnsVerifiedIdentityAndRoles()
    {
        using var client = api.ClientAs("alice", Roles.MlEngineer, Roles.Approver);

        var me = await client.GetFromJsonAsync<MeEndpoints.MeResponse>("/api/me", Token);

        me.ShouldBe(new MeEndpoints.MeResponse("alice", [Roles.Approver, Roles.MlEngineer]), new MeComparer());
    }

    [Fact]
    public async Task GetMe_NoToken_Returns401Problem()
    {
        var (status, problem) = await GetMeWith(null);

        status.ShouldBe(HttpStatusCode.Unauthorized);
        problem!.Type.ShouldBe(ProblemTypes.Unauthorized);
        problem.Detail!.ShouldContain("needs a bearer token");
    }

    [Fact]
    public async Task GetMe_ExpiredToken_Returns401SayingExpired()
    {
        var expired = api.Token("alice", [Roles.MlEngineer], TimeSpan.FromMinutes(5), DateTime.UtcNow.AddHours(-1));

        var (status, problem) = await GetMeWith(expired);

        status.ShouldBe(HttpStatusCode.Unauthorized);
        problem!.Detail!.ShouldContain("expired");
    }

    [Fact]
    public async Task GetMe_TokenSignedWithAnotherKey_Returns401()
    {
        var forged = api.Token("mallory", [Roles.Admin], key: new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)));

        var (status, problem) = await GetMeWith(forged);

        status.ShouldBe(HttpStatusCode.Unauthorized);
        problem!.Type.ShouldBe(ProblemTypes.Unauthorized);
    }

    [Fact]
    public async Task GetMe_GarbageToken_Returns401()
    {
        var (status, _) = await GetMeWith("not-a-jwt");

        status.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task GetMe_TokenWithoutAnyRole_Returns403Problem()
    {
        var (status, problem) = await GetMeWith(api.Token("nobody", []));

        status.ShouldBe(HttpStatusCode.Forbidden);
        problem!.Type.ShouldBe(ProblemTypes.Forbidden);
    }

    [Fact]
    public async Task UnknownRoute_Returns404Problem()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/api/does-not-exist", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadFromJsonAsync<ProblemDetails>(Token))!.Type.ShouldBe(ProblemTypes.NotFound);
    }

    private sealed class MeComparer : IEqualityComparer<MeEndpoints.MeResponse>
    {
        public bool Equals(MeEndpoints.MeResponse? x, MeEndpoints.MeResponse? y) =>
            x is not null && y is not null && x.User == y.User && x.Roles.SequenceEqual(y.Roles);

        public int GetHashCode(MeEndpoints.MeResponse obj) => obj.User.GetHashCode(StringComparison.Ordinal);
    }
}
