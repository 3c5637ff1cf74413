using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Contracts;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.Approvals;

/// <summary>POST /api/runs/{id}/canary-decision, the run view and the pending list of a held canary (ADR 0040).</summary>
public sealed class CanaryDecisionEndpointsTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    /// <summary>What the workflow records when its canary is held: the run started and asked for a canary decision (3 canary requests, none on production).</summary>
    private async Task<string> RecordCanaryHeldAsync(string runId)
    {
        var ledger = api.Services.GetRequiredService<IAuditLedger>();
        var stream = AuditStreams.Run(runId);
        var context = new AuditContext(Actor.Service("orchestrator-worker", "test@host"), new Correlation($"model-lifecycle-{runId}", runId), null, []);
        await ledger.AppendAsync(stream, new RunStarted($"model-lifecycle-{runId}", api.TaskQueue), context, "run-started", Token);
        var digest = Digest.FromHex(new string('c', 64)).ToString();
        await ledger.AppendAsync(stream, new CanaryDecisionRequested("shapes", 1, digest, 3, 0, "too little traffic to judge the canary", DateTimeOffset.UtcNow.AddHours(1)),
            context, "canary-decision-requested", Token);
        return digest;
    }

    [Fact]
    public async Task Submit_EligibleApproverNoWorkerAnswering_AppendsCanaryDecisionSignedAsTheApproverAndAnswers202()
    {
        using var engineer = api.ClientAs("alice", "ml-engineer");
        using var approver = api.ClientAs("paula", "approver");
        var runId = await StartRunAsync(engineer);
        var digest = await RecordCanaryHeldAsync(runId);

        using var response = await approver.PostAsJsonAsync($"/api/runs/{runId}/canary-decision", new { decision = "promote", reason = "errors are zero", evidenceDigest = digest }, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var signed = (await StreamAsync(api, runId))[^1];
        signed.Data.ShouldBe(new CanaryDecisionSigned("paula", ["approver"], "promote", "errors are zero", digest), new CanaryDecisionComparer());
        signed.Context.Actor.Id.ShouldBe("paula");
        (await ReadAsync(response)).GetProperty("version").GetInt64().ShouldBe(signed.Version);
    }

    [Fact]
    public async Task Submit_ByTheRunsRequester_Returns403ProblemAndRecordsNothing()
    {
        using var engineer = api.ClientAs("sam", "ml-engineer", "approver");
        var runId = await StartRunAsync(engineer);
        var digest = await RecordCanaryHeldAsync(runId);
        var before = (await StreamAsync(api, runId)).Count;

        using var response = await engineer.PostAsJsonAsync($"/api/runs/{runId}/canary-decision", new { decision = "promote", reason = "mine", evidenceDigest = digest }, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await ReadAsync(response)).GetProperty("detail").GetString()!.ShouldContain("Separation of duties: sam requested this run");
        (await StreamAsync(api, runId)).Count.ShouldBe(before);
    }

    [Fact]
    public async Task Submit_OtherEvidence_Returns409AndRecordsNothing()
    {
        using var engineer = api.ClientAs("alice", "ml-engineer");
        using var approver = api.ClientAs("paula", "approver");
        var runId = await StartRunAsync(engineer);
        await RecordCanaryHeldAsync(runId);
        var before = (await StreamAsync(api, runId)).Count;

        using var response = await approver.PostAsJsonAsync($"/api/runs/{runId}/canary-decision",
            new { decision = "rollback", reason = "unsure", evidenceDigest = Digest.FromHex(new string('a', 64)).ToString() }, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await StreamAsync(api, runId)).Count.ShouldBe(before);
    }

    [Fact]
    public async Task Submit_NoCanaryHeld_Returns409AndRecordsNothing()
    {
        using var engineer = api.ClientAs("alice", "ml-engineer");
        using var approver = api.ClientAs("paula", "approver");
        var runId = await StartRunAsync(engineer);
        var digest = await RecordAwaitingApprovalAsync(api, runId);
        var before = (await StreamAsync(api, runId)).Count;

        using var response = await approver.PostAsJsonAsync($"/api/runs/{runId}/canary-decision", new { decision = "promote", reason = "ok", evidenceDigest = digest }, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await ReadAsync(response)).GetProperty("detail").GetString()!.ShouldContain("no canary held");
        (await StreamAsync(api, runId)).Count.ShouldBe(before);
    }

    [Theory]
    [InlineData("""{"decision":"approve","reason":"x","evidenceDigest":"sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"}""")]
    [InlineData("""{"decision":"promote","reason":"","evidenceDigest":"sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"}""")]
    [InlineData("""{"decision":"rollback","reason":"x","evidenceDigest":"sha256:cc"}""")]
    [InlineData("""{"decision":"promote","reason":"x","evidenceDigest":"sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc","extra":1}""")]
    public async Task Submit_MalformedDecision_Returns400ProblemAndRecordsNothing(string json)
    {
        using var engineer = api.ClientAs("alice", "ml-engineer");
        using var approver = api.ClientAs("paula", "approver");
        var runId = await StartRunAsync(engineer);
        await RecordCanaryHeldAsync(runId);
        var before = (await StreamAsync(api, runId)).Count;

        using var response = await approver.PostAsync($"/api/runs/{runId}/canary-decision", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await StreamAsync(api, runId)).Count.ShouldBe(before);
    }

    [Fact]
    public async Task RunAndPending_CanaryHeld_ShowWaitingForADecisionToEligibleApproversOnly()
    {
        using var engineer = api.ClientAs("tom", "ml-engineer", "approver");
        using var approver = api.ClientAs("uma", "approver");
        var runId = await StartRunAsync(engineer);
        var digest = await RecordCanaryHeldAsync(runId);

        using var run = await approver.GetAsync($"/api/runs/{runId}", Token);
        using var forUma = await approver.GetAsync("/api/approvals/pending", Token);
        using var forTom = await engineer.GetAsync("/api/approvals/pending", Token);

        var hold = (await ReadAsync(run)).GetProperty("canaryHold");
        hold.GetProperty("status").GetString().ShouldBe("canary held: waiting for a decision");
        (hold.GetProperty("canaryRequests").GetInt32(), hold.GetProperty("evidenceDigest").GetString()).ShouldBe((3, digest));
        var item = (await ReadAsync(forUma)).EnumerateArray().Single(r => r.GetProperty("runId").GetString() == runId);
        item.GetProperty("kind").GetString().ShouldBe("canary-decision");
        item.GetProperty("summary").GetString()!.ShouldStartWith("canary held: waiting for a decision (3 canary requests, 0 production");
        (await ReadAsync(forTom)).EnumerateArray().Select(r => r.GetProperty("runId").GetString()).ShouldNotContain(runId);
    }

    /// <summary>Records with list members compare by reference; this compares them by content.</summary>
    private sealed class CanaryDecisionComparer : IEqualityComparer<object>
    {
        public new bool Equals(object? x, object? y) => x is CanaryDecisionSigned a && y is CanaryDecisionSigned b
            && (a.Approver, a.Decision, a.Reason, a.EvidenceDigest) == (b.Approver, b.Decision, b.Reason, b.EvidenceDigest) && a.Roles.SequenceEqual(b.Roles);

        public int GetHashCode(object obj) => 0;
    }
}
