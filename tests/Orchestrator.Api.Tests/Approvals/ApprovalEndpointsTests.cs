using System.Net;
using System.Net.Http.Json;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Contracts;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.Approvals;

public sealed class ApprovalEndpointsTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static readonly object SyntheticSource = new
    {
        kind = "synthetic", parameters = new Dictionary<string, string> { ["count"] = "60", ["seed"] = "7" }, licence = "CC0-1.0", consent = "synthetic", retention = "P7Y",
    };

    [Fact]
    public async Task Submit_ValidDecisionNoWorkerAnswering_AppendsApprovalSignedAndAnswers202WithoutJudgement()
    {
        using var engineer = api.ClientAs("alice", "ml-engineer");
        using var approver = api.ClientAs("paula", "approver");
        var runId = await StartRunAsync(engineer);
        var digest = await RecordAwaitingApprovalAsync(api, runId);

        using var response = await approver.PostAsJsonAsync($"/api/runs/{runId}/approvals", new { decision = "approve", reason = "metrics meet policy", evidenceDigest = digest }, Token);

        // Nothing polls this factory's queue, so the workflow cannot judge within the wait: recorded, judgement to follow.
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var body = await ReadAsync(response);
        body.GetProperty("judgement").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        var stream = await StreamAsync(api, runId);
        var signed = stream[^1];
        body.GetProperty("version").GetInt64().ShouldBe(signed.Version);
        var approval = signed.Data.ShouldBeOfType<ApprovalSigned>();
        approval.Approver.ShouldBe("paula");
        approval.EvidenceDigest.ShouldBe(digest);
        signed.Context.Actor.Id.ShouldBe("paula");
    }

    [Fact]
    public async Task Submit_RequesterUnderAnotherCase_Returns403AndRecordsNothing()
    {
        using var engineer = api.ClientAs("sam", "ml-engineer");
        using var samAgain = api.ClientAs("SAM", "approver");
        var runId = await StartRunAsync(engineer);
        var digest = await RecordAwaitingApprovalAsync(api, runId);
        var before = (await StreamAsync(api, runId)).Count;

        using var response = await samAgain.PostAsJsonAsync($"/api/runs/{runId}/approvals", new { decision = "approve", reason = "mine", evidenceDigest = digest }, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await ReadAsync(response)).GetProperty("detail").GetString()!.ShouldContain("Separation of duties: SAM requested this run");
        (await StreamAsync(api, runId)).Count.ShouldBe(before);
    }

    [Fact]
    public async Task Submit_RegistrantOfTheRunsDataset_Returns403NamingTheContribution()
    {
        using var dora = api.ClientAs("dora", "ml-engineer", "approver");
        using var engineer = api.ClientAs("alice", "ml-engineer");
        var dataset = $"faces-{Guid.NewGuid():N}"[..20];
        using (var registered = await dora.PostAsJsonAsync("/api/datasets", new { name = dataset, source = SyntheticSource, description = "faces" }, Token))
        {
            registered.StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        using var started = await engineer.PostAsJsonAsync("/api/runs", new { modelName = "shapes", datasetName = dataset }, Token);
        started.EnsureSuccessStatusCode();
        var runId = (await ReadAsync(started)).GetProperty("runId").GetString()!;
        var digest = await RecordAwaitingApprovalAsync(api, runId);

        using var response = await dora.PostAsJsonAsync($"/api/runs/{runId}/approvals", new { decision = "approve", reason = "looks fine", evidenceDigest = digest }, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await ReadAsync(response)).GetProperty("detail").GetString()!.ShouldContain("dora registered this run's dataset and cannot approve it");
        var contributors = (await StreamAsync(api, runId)).Select(e => e.Data).OfType<RunContributorsRecorded>().Single().Contributors;
        contributors.Select(c => (c.Identity, c.Contribution)).ShouldBe([("alice", "requester"), ("dora", "dataset-registrant")]);
    }

    [Fact]
    public async Task Submit_SameApproverTwiceWithoutAKey_SecondIs409AndRecordsNothing()
    {
        using var engineer = api.ClientAs("alice", "ml-engineer");
        using var approver = api.ClientAs("rita", "approver");
        var runId = await StartRunAsync(engineer);
        var digest = await RecordAwaitingApprovalAsync(api, runId);
        using var first = await approver.PostAsJsonAsync($"/api/runs/{runId}/approvals", new { decision = "approve", reason = "fine", evidenceDigest = digest }, Token);
        var before = (await StreamAsync(api, runId)).Count;

        using var second = await approver.PostAsJsonAsync($"/api/runs/{runId}/approvals", new { decision = "approve", reason = "fine again", evidenceDigest = digest }, Token);

        first.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        second.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await ReadAsync(second)).GetProperty("detail").GetString()!.ShouldContain("rita has already approved");
        (await StreamAsync(api, runId)).Count.ShouldBe(before);
    }

    [Fact]
    public async Task Submit_AfterAnEarlierSignatureWasRefused_StillAccepted()
    {
        using var engineer = api.ClientAs("alice", "ml-engineer");
        using var approver = api.ClientAs("vera", "approver");
        var runId = await StartRunAsync(engineer);
        var digest = await RecordAwaitingApprovalAsync(api, runId);
        await RecordRefusalAsync(api, runId, "vera");

        using var response = await approver.PostAsJsonAsync($"/api/runs/{runId}/approvals", new { decision = "approve", reason = "fine", evidenceDigest = digest }, Token);

        // The refused signature counts for nothing: the run still awaits approval, and vera may sign again.
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Submit_ByTheRunsRequester_Returns403AndRecordsNothing()
    {
        using var both = api.ClientAs("sam", "ml-engineer", "approver");
        var runId = await StartRunAsync(both);
        var digest = await RecordAwaitingApprovalAsync(api, runId);
        var before = (await StreamAsync(api, runId)).Count;

        using var response = await both.PostAsJsonAsync($"/api/runs/{runId}/approvals", new { decision = "approve", reason = "mine", evidenceDigest = digest }, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await ReadAsync(response)).GetProperty("detail").GetString()!.ShouldContain("Separation of duties");
        (await StreamAsync(api, runId)).Count.ShouldBe(before);
    }

    [Fact]
    public async Task Submit_StaleEvidenceDigest_Returns409AndRecordsNothing()
    {
        using var engineer = api.ClientAs("alice", "ml-engineer");
        using var approver = api.ClientAs("quinn", "approver");
        var runId = await StartRunAsync(engineer);
        await RecordAwaitingApprovalAsync(api, runId);
        var before = (await StreamAsync(api, runId)).Count;

        using var response = await approver.PostAsJsonAsync($"/api/runs/{runId}/approvals",
            new { decision = "approve", reason = "ok", evidenceDigest = Digest.FromHex(new string('b', 64)).ToString() }, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await StreamAsync(api, runId)).Count.ShouldBe(before);
    }

    [Fact]
    public async Task Submit_RunNotAwaitingApproval_Returns409()
    {
        using var engineer = api.ClientAs("alice", "ml-engineer");
        using var approver = api.ClientAs("quinn", "approver");
        var runId = await StartRunAsync(engineer);

        using var response = await approver.PostAsJsonAsync($"/api/runs/{runId}/approvals",
            new { decision = "reject", reason = "too early", evidenceDigest = Digest.FromHex(new string('a', 64)).ToString() }, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("""{"decision":"maybe","reason":"x","evidenceDigest":"sha256:aaaa"}""")]
    [InlineData("""{"decision":"approve","reason":"","evidenceDigest":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}""")]
    [InlineData("""{"decision":1,"reason":"x"}""")]
    public async Task Submit_MalformedDecision_Returns400(string json)
    {
        using var approver = api.ClientAs("quinn", "approver");

        using var response = await approver.PostAsync("/api/runs/any/approvals", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Pending_ListsRunsForOtherApproversUntilTheySign()
    {
        using var engineer = api.ClientAs("tom", "ml-engineer", "approver");
        using var approver = api.ClientAs("uma", "approver");
        var runId = await StartRunAsync(engineer);
        var digest = await RecordAwaitingApprovalAsync(api, runId);

        using var forUma = await approver.GetAsync("/api/approvals/pending", Token);
        using var forTom = await engineer.GetAsync("/api/approvals/pending", Token);
        (await ReadAsync(forUma)).EnumerateArray().Select(r => r.GetProperty("runId").GetString()).ShouldContain(runId);
        (await ReadAsync(forTom)).EnumerateArray().Select(r => r.GetProperty("runId").GetString()).ShouldNotContain(runId);

        using var sign = await approver.PostAsJsonAsync($"/api/runs/{runId}/approvals", new { decision = "approve", reason = "fine", evidenceDigest = digest }, Token);
        using var after = await approver.GetAsync("/api/approvals/pending", Token);
        (await ReadAsync(after)).EnumerateArray().Select(r => r.GetProperty("runId").GetString()).ShouldNotContain(runId);
    }
}
