using System.Net;
using System.Net.Http.Json;
using Orchestrator.Api.Identity;
using Orchestrator.Client;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.Security;

/// <summary>Audit exports hold the ledger: readable by the service's user only, and each caller has a quota.</summary>
public sealed class ExportHardeningTests : IClassFixture<ApiFactory>
{
    private readonly ApiFactory api;

    public ExportHardeningTests(ApiFactory api)
    {
        this.api = api;
        api.Settings["Orchestrator:Audit:ExportQuota:PerDay"] = "2";
        api.Settings["Orchestrator:Audit:ExportQuota:Running"] = "100"; // the daily count is under test, not how many run at once
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // Unix file modes
    public async Task Export_Completed_BundleAndStatusAreOwnerOnly()
    {
        using var auditor = api.ClientAs("audrey", Roles.Auditor);

        var location = await ExportAsync(auditor, "mode-1");
        var id = location.Split('/')[^1];
        await CompletedAsync(auditor, location);

        var directory = Path.Combine(api.StateDirectory, "exports");
        File.GetUnixFileMode(directory).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.GetUnixFileMode(Path.Combine(directory, id + ".zip")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(Path.Combine(directory, id + ".json")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public async Task Export_BeyondTheDailyQuota_Returns429WithRetryAfterForThatCallerOnly()
    {
        using var first = api.ClientAs("quentin", Roles.Auditor);
        using var second = api.ClientAs("rita", Roles.Auditor);

        await ExportAsync(first, "q-1");
        await ExportAsync(first, "q-2");
        using var third = await PostAsync(first, "q-3");
        var repeated = await ExportAsync(first, "q-1"); // an export already started is found again, not counted again
        await ExportAsync(second, "r-1");

        third.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        third.Headers.RetryAfter.ShouldNotBeNull().Delta!.Value.TotalHours.ShouldBeGreaterThan(23);
        (await ReadAsync(third)).GetProperty("type").GetString().ShouldBe("https://orchestrator.dev/problems/rate-limited");
        repeated.ShouldEndWith(repeated.Split('/')[^1]);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/audit/export") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request, Token);
    }

    private static async Task<string> ExportAsync(HttpClient client, string key)
    {
        using var response = await PostAsync(client, key);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        return response.Headers.Location!.ToString();
    }

    private static async Task CompletedAsync(HttpClient client, string location)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string status;
        System.Text.Json.JsonElement body;
        do
        {
            using var poll = await client.GetAsync(location, Token);
            body = await ReadAsync(poll);
            status = body.GetProperty("status").GetString()!;
            await Task.Delay(50, Token);
        }
        while (status == "pending" && DateTime.UtcNow < deadline);

        status.ShouldBe("completed", body.ToString()); // a failed export's status carries its error
    }
}
