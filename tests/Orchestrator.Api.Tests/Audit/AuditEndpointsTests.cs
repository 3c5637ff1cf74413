using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Export;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.Audit;

public sealed class AuditEndpointsTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Events_RunStream_ReturnsEntriesInOrderWithPaging()
    {
        using var engineer = api.ClientAs("alice", "ml-engineer");
        var runId = await StartRunAsync(engineer);
        await RecordAwaitingApprovalAsync(api, runId);

        using var page = await engineer.GetAsync($"/api/audit/streams/run-{runId}/events?limit=2", Token);
        var body = await ReadAsync(page);

        var items = body.GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("type").GetString()).ShouldBe(["run_requested", "run_contributors_recorded"]);
        items[1].GetProperty("previousHash").GetString().ShouldBe(items[0].GetProperty("hash").GetString());
        using var next = await engineer.GetAsync(body.GetProperty("next").GetString(), Token);
        (await ReadAsync(next)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("type").GetString()).ShouldBe(["run_started", "approval_requested"]);
    }

    [Theory]
    [InlineData("/api/audit/streams/run-nothing-here/events")]
    [InlineData("/api/audit/streams/mt_events/events")]
    [InlineData("/api/audit/streams/run-x'%3B%20DROP%20TABLE%20x--/events")]
    public async Task Events_UnknownOrHostileStream_Returns404(string url)
    {
        using var auditor = api.ClientAs("audrey", "auditor");

        using var response = await auditor.GetAsync(url, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task State_AtVersionAndNow_ReplaysWhatWasKnownThen()
    {
        using var engineer = api.ClientAs("alice", "ml-engineer");
        var runId = await StartRunAsync(engineer);
        await RecordAwaitingApprovalAsync(api, runId);

        using var atOne = await engineer.GetAsync($"/api/audit/streams/run-{runId}/state?version=1", Token);
        using var now = await engineer.GetAsync($"/api/audit/streams/run-{runId}/state", Token);
        using var before = await engineer.GetAsync($"/api/audit/streams/run-{runId}/state?at=2000-01-01T00:00:00Z", Token);

        (await ReadAsync(atOne)).GetProperty("stage").GetString().ShouldBe("requested");
        (await ReadAsync(now)).GetProperty("stage").GetString().ShouldBe("awaiting-approval");
        before.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Verify_EntriesNoCheckpointCoversYet_ReportsAnUnanchoredTailNotVerified()
    {
        using var engineer = api.ClientAs("alice", "ml-engineer");
        using var auditor = api.ClientAs("audrey", "auditor");
        var runId = await StartRunAsync(engineer);

        using var all = await auditor.PostAsJsonAsync("/api/audit/verify", new { }, Token);
        using var one = await auditor.PostAsJsonAsync("/api/audit/verify", new { streamId = $"run-{runId}" }, Token);

        (await ReadAsync(all)).GetProperty("valid").GetBoolean().ShouldBeTrue();
        var report = await ReadAsync(one);
        report.GetProperty("valid").GetBoolean().ShouldBeTrue();
        report.GetProperty("state").GetString().ShouldBe("unanchored-tail");
        report.GetProperty("summary").GetString().ShouldStartWith("UNANCHORED TAIL: ");
        var tail = report.GetProperty("unanchoredTail");
        tail.GetProperty("entries").GetInt64().ShouldBeGreaterThanOrEqualTo(1);
        tail.GetProperty("note").GetString()!.ShouldContain("a forged tail cannot be detected");
        report.GetProperty("eventsChecked").GetInt64().ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task Verify_AfterACheckpointAndPinnedToIt_IsVerifiedAndAnUnknownPinFails()
    {
        using var engineer = api.ClientAs("alice", "ml-engineer");
        using var auditor = api.ClientAs("audrey", "auditor");
        var runId = await StartRunAsync(engineer);
        await api.Services.GetRequiredService<CheckpointWriter>().TakeAsync(Token);

        using var latest = await auditor.PostAsJsonAsync("/api/audit/verify", new { streamId = $"run-{runId}" }, Token);
        var digest = (await ReadAsync(latest)).GetProperty("latestCheckpoint").GetProperty("digest").GetString();
        using var pinned = await auditor.PostAsJsonAsync("/api/audit/verify", new { streamId = $"run-{runId}", anchor = digest }, Token);
        using var unknown = await auditor.PostAsJsonAsync("/api/audit/verify", new { anchor = "sha256:" + new string('0', 64) }, Token);

        var verified = await ReadAsync(pinned);
        verified.GetProperty("state").GetString().ShouldBe("verified", verified.ToString());
        verified.GetProperty("copiesCompared").GetInt32().ShouldBeGreaterThanOrEqualTo(1);
        var failed = await ReadAsync(unknown);
        failed.GetProperty("valid").GetBoolean().ShouldBeFalse();
        failed.GetProperty("state").GetString().ShouldBe("failed");
        failed.GetProperty("failures").EnumerateArray().ShouldContain(f => f.GetString()!.StartsWith("PinnedCheckpointMissing", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"anchor":"sha256:xyz"}""")]
    [InlineData("""{"anchor":"SHA256:0000000000000000000000000000000000000000000000000000000000000000"}""")]
    [InlineData("""{"anchor":42}""")]
    public async Task Verify_MalformedAnchor_Returns400(string json)
    {
        using var auditor = api.ClientAs("audrey", "auditor");

        using var response = await auditor.PostAsync("/api/audit/verify", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Verify_AsMlEngineer_Returns403()
    {
        using var engineer = api.ClientAs("alice", "ml-engineer");

        using var response = await engineer.PostAsJsonAsync("/api/audit/verify", new { }, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Export_ThenDownload_BundleVerifiesOfflineWithThePublicKey()
    {
        using var engineer = api.ClientAs("alice", "ml-engineer");
        using var auditor = api.ClientAs("audrey", "auditor");
        var runId = await StartRunAsync(engineer);
        auditor.DefaultRequestHeaders.Add("Idempotency-Key", "export-1");

        using var accepted = await auditor.PostAsJsonAsync("/api/audit/export", new { streamIds = new[] { $"run-{runId}" } }, Token);
        using var again = await auditor.PostAsJsonAsync("/api/audit/export", new { streamIds = new[] { $"run-{runId}" } }, Token);

        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var location = accepted.Headers.Location!.ToString();
        again.Headers.Location!.ToString().ShouldBe(location);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string status;
        do
        {
            using var poll = await auditor.GetAsync(location, Token);
            status = (await ReadAsync(poll)).GetProperty("status").GetString()!;
        }
        while (status == "pending" && DateTime.UtcNow < deadline);

        status.ShouldBe("completed");
        var zip = Path.Combine(api.StateDirectory, $"downloaded-{Guid.NewGuid():N}.zip");
        await File.WriteAllBytesAsync(zip, await auditor.GetByteArrayAsync(location + "/bundle", Token), Token);
        var publicKey = await auditor.GetStringAsync("/api/audit/public-key", Token);
        var report = await BundleVerifier.VerifyAsync(zip, publicKey, Token);
        report.State.ShouldBe(Orchestrator.Audit.Verification.VerificationState.Verified, string.Join("; ", report.Failures));
        report.EventsChecked.ShouldBeGreaterThanOrEqualTo(1);
    }

    [Theory]
    [InlineData("""{"streamIds":[]}""")]
    [InlineData("""{"streamIds":["../../etc/passwd"]}""")]
    [InlineData("""{"streamIds":"run-1"}""")]
    public async Task Export_BadStreamIds_Returns400(string json)
    {
        using var auditor = api.ClientAs("audrey", "auditor");

        using var response = await auditor.PostAsync("/api/audit/export", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
