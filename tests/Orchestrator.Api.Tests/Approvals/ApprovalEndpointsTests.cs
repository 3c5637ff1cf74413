using System.Net;
using System.Net.Http.Json;
using Orchestrator.Audit.Events.Runs;
using Temporalio.Api.Enums.V1;
using Orchestrator.Contracts;
using Temporalio.Client;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.Approvals;

public sealed class ApprovalEndpointsTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Submit_ValidDecision_AppendsApprovalSignedThenSignalsTheWorkflow()
    {
        using var engineer = api.ClientAs("alice", "ml-engineer");
        using var approver = api.ClientAs("paula", "approver");
        var runId = await StartRunAsync(engineer);
        var digest = await RecordAwaitingApprovalAsync(api, runId);

        using var response = await approver.PostAsJsonAsync($"/api/runs/{runId}/approvals", new { decision = "approve", reason = "metrics meet policy", evidenceDigest = digest }, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var stream = await StreamAsync(api, runId);
        var signed = stream[^1];
        var approval = signed.Data.ShouldBeOfType<ApprovalSigned>();
        approval.Approver.ShouldBe("paula");
        approval.EvidenceDigest.ShouldBe(digest);
        signed.Context.Actor.Id.ShouldBe("paula");
        var history = await api.Temporal.GetWorkflowHandle($"model-lifecycle-{runId}")
            .FetchHistoryAsync(new WorkflowHistoryEventFetchOptions { Rpc = new RpcOptions { CancellationToken = Token } });
        var signal = history.Events.Single(e => e.EventType == EventType.WorkflowExecutionSignaled);
        signal.WorkflowExecutionSignaledEventAttributes.SignalName.ShouldBe("SubmitApproval");
        signal.WorkflowExecutionSignaledEventAttributes.Input.Payloads_[0].Data.ToStringUtf8().ShouldContain(signed.Hash);
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
