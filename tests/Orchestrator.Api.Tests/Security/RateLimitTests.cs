using System.Net;
using System.Net.Http.Json;
using Orchestrator.Api.Identity;
using Orchestrator.Api.Tests.Predictions;
using Orchestrator.Client;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.Security;

/// <summary>Per-identity budgets: a caller over its budget gets 429 problem details with Retry-After; other callers and other budgets are untouched.</summary>
public sealed class RateLimitTests : IClassFixture<ApiFactory>
{
    private const int Burst = 5;
    private readonly ApiFactory api;

    public RateLimitTests(ApiFactory api)
    {
        this.api = api;
        // A small burst refilled slowly (one a minute): the test's requests cannot earn tokens back while it runs.
        foreach (var budget in new[] { "Predict", "Work" })
        {
            api.Settings[$"Orchestrator:RateLimits:{budget}:PermitsPerMinute"] = "1";
            api.Settings[$"Orchestrator:RateLimits:{budget}:Burst"] = $"{Burst}";
        }
    }

    [Fact]
    public async Task Predict_OverTheBurst_Returns429WithRetryAfterForThatIdentityOnly()
    {
        var model = ServingFixture.NewModel();
        await ServingFixture.SeedAsync(api, model);
        using var greedy = api.ClientAs("svc-greedy", Roles.Predictor);
        using var other = api.ClientAs("svc-other", Roles.Predictor);
        var statuses = new List<HttpStatusCode>();

        for (var i = 0; i < Burst + 3; i++)
        {
            using var response = await greedy.PostAsync($"/api/models/{model}/predict", ServingFixture.Png(200, 0, 0), Token);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                response.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldNotBeNull().TotalSeconds.ShouldBeGreaterThanOrEqualTo(1);
                response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
                (await ReadAsync(response)).GetProperty("type").GetString().ShouldBe("https://orchestrator.dev/problems/rate-limited");
            }
        }

        using var others = await other.PostAsync($"/api/models/{model}/predict", ServingFixture.Png(200, 0, 0), Token);

        statuses.Take(Burst).ShouldAllBe(s => s == HttpStatusCode.OK);
        statuses.Skip(Burst).ShouldAllBe(s => s == HttpStatusCode.TooManyRequests);
        others.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ServingFixture.Log(api).CountAsync(model, Token)).ShouldBe(Burst + 1); // refused requests are not served
    }

    [Fact]
    public async Task WorkStartingPosts_OverTheBurst_Return429WhileReadsAndPredictStayOpen()
    {
        using var engineer = api.ClientAs("erin", Roles.MlEngineer, Roles.Auditor);
        var statuses = new List<HttpStatusCode>();

        // Refused by validation, yet each is a request that could have started work: the budget counts it.
        for (var i = 0; i < Burst + 2; i++)
        {
            using var response = await engineer.PostAsJsonAsync("/api/runs", new { modelName = "Bad Name" }, Token);
            statuses.Add(response.StatusCode);
        }

        using var export = await engineer.PostAsJsonAsync("/api/audit/export", new { }, Token);
        using var read = await engineer.GetAsync("/api/runs", Token);
        using var me = await engineer.GetAsync("/api/me", Token);

        statuses.Take(Burst).ShouldAllBe(s => s == HttpStatusCode.BadRequest);
        statuses.Skip(Burst).ShouldAllBe(s => s == HttpStatusCode.TooManyRequests);
        export.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests); // one budget for every request that starts work
        (read.StatusCode, me.StatusCode).ShouldBe((HttpStatusCode.OK, HttpStatusCode.OK));
    }

    [Fact]
    public async Task Unauthenticated_OverTheBurst_Gets401NotAPartitionOfItsOwn()
    {
        using var anonymous = api.CreateClient();
        var statuses = new List<HttpStatusCode>();

        for (var i = 0; i < Burst + 2; i++)
        {
            using var response = await anonymous.PostAsJsonAsync("/api/runs", new { modelName = "x" }, Token);
            statuses.Add(response.StatusCode);
        }

        statuses.ShouldAllBe(s => s == HttpStatusCode.Unauthorized);
    }
}
