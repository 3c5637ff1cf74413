using System.Net;
using System.Net.Http.Json;
using Orchestrator.Api.Identity;
using Orchestrator.Client;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.Security;

/// <summary>
/// Every outage is a 503 <c>unavailable</c> problem with Retry-After, never a 500: the service pointed at closed ports
/// (nothing listens on port 1) for PostgreSQL, Blob Storage and Temporal.
/// </summary>
public sealed class OutageTests : IClassFixture<ApiFactory>
{
    private const string ClosedPostgres = "Host=127.0.0.1;Port=1;Username=orchestrator;Password=x;Database=orchestrator;Timeout=3";
    private const string ClosedBlob = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
        + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;";

    private readonly ApiFactory api;

    public OutageTests(ApiFactory api)
    {
        this.api = api;
        api.Settings["Orchestrator:Postgres:ConnectionString"] = ClosedPostgres;
        api.Settings["Orchestrator:Audit:ConnectionString"] = ClosedPostgres;
        api.Settings["Orchestrator:Audit:InstallSchema"] = "false";
        api.Settings["Orchestrator:Blob:ConnectionString"] = ClosedBlob;
        api.Settings["Orchestrator:Temporal:Address"] = "127.0.0.1:1";
    }

    [Theory]
    [InlineData("GET", "/api/runs")]
    [InlineData("GET", "/api/runs?requestedBy=alice")]
    [InlineData("GET", "/api/runs/abc")]
    [InlineData("GET", "/api/models")]
    [InlineData("GET", "/api/audit/streams/run-abc/events")]
    [InlineData("POST", "/api/runs")]
    [InlineData("POST", "/api/audit/verify")]
    [InlineData("GET", "/api/artifacts/sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task Request_BackendsDown_Returns503UnavailableWithRetryAfter(string method, string url)
    {
        using var client = api.ClientAs("alice", Roles.MlEngineer, Roles.Auditor);
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method == "POST")
        {
            request.Content = JsonContent.Create(url == "/api/runs" ? StartBody() : new { });
        }

        using var response = await client.SendAsync(request, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldBe(TimeSpan.FromSeconds(5));
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var problem = await ReadAsync(response);
        problem.GetProperty("type").GetString().ShouldBe("https://orchestrator.dev/problems/unavailable");
        problem.GetProperty("detail").GetString()!.ShouldNotContain("Exception"); // a sentence, not a stack trace
    }

    [Fact]
    public async Task StartRun_OnlyTemporalDown_Returns503WithRetryAfterAndTheRunRecorded()
    {
        await using var temporalDown = new ApiFactory();
        temporalDown.Settings["Orchestrator:Temporal:Address"] = "127.0.0.1:1";
        await temporalDown.InitializeAsync();
        using var client = temporalDown.ClientAs("alice", Roles.MlEngineer);
        client.DefaultRequestHeaders.Add("Idempotency-Key", "outage-1");

        using var response = await client.PostAsJsonAsync("/api/runs", StartBody(), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.ShouldNotBeNull();
        (await ReadAsync(response)).GetProperty("type").GetString().ShouldBe("https://orchestrator.dev/problems/unavailable");
    }
}
