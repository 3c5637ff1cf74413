using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Contracts;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.Approvals;

/// <summary>An approval that explicitly accepts deploying a first version without a canary comparison (ADR 0044), over HTTP.</summary>
public sealed class NoCanaryComparisonApprovalTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private readonly string _model = "first-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>A run of this test's model, started and waiting for approval of its v1 (as the workflow's activities record it).</summary>
    private async Task<(string RunId, string Digest)> AwaitingApprovalAsync()
    {
        using var engineer = api.ClientAs("alice", "ml-engineer");
        var runId = await StartRunAsync(engineer, _model);
        var ledger = api.Services.GetRequiredService<IAuditLedger>();
        var context = new AuditContext(Actor.Service("orchestrator-worker", "test@host"), new Correlation($"model-lifecycle-{runId}", runId), null, []);
        await ledger.AppendAsync(AuditStreams.Run(runId), new RunStarted($"model-lifecycle-{runId}", api.TaskQueue), context, "run-started", Token);
        var digest = Digest.FromHex(new string('c', 64)).ToString();
        await ledger.AppendAsync(AuditStreams.Run(runId), new ApprovalRequested(_model, 2, digest, ["approver"], 2, DateTimeOffset.UtcNow.AddHours(1)), context,
            "approval-requested", Token);
        return (runId, digest);
    }

    private async Task PromoteAsync(int version)
    {
        var ledger = api.Services.GetRequiredService<IAuditLedger>();
        var context = new AuditContext(Actor.Service("orchestrator-worker", "test@host"), new Correlation("deploy", "earlier-run"), null, []);
        await ledger.AppendAsync(AuditStreams.Model(_model), new ModelPromoted(version, "production"), context, $"promoted-{version}", Token);
    }

    [Fact]
    public async Task Submit_AcceptNoCanaryComparisonWhileTheModelServesProduction_Returns409AndRecordsNothing()
    {
        var (runId, digest) = await AwaitingApprovalAsync();
        await PromoteAsync(1);
        using var approver = api.ClientAs("paula", "approver");
        var before = (await StreamAsync(api, runId)).Count;

        using var response = await approver.PostAsJsonAsync($"/api/runs/{runId}/approvals",
            new { decision = "approve", reason = "fine", evidenceDigest = digest, acceptNoCanaryComparison = true }, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var problem = await ReadAsync(response);
        problem.GetProperty("detail").GetString()!.ShouldBe(
            $"{_model} has production version 1: the canary is compared against it, so acceptNoCanaryComparison applies only to a first deployment.");
        (await StreamAsync(api, runId)).Count.ShouldBe(before);
    }

    [Fact]
    public async Task Submit_AcceptNoCanaryComparisonWithARejection_Returns400AndRecordsNothing()
    {
        var (runId, digest) = await AwaitingApprovalAsync();
        using var approver = api.ClientAs("paula", "approver");
        var before = (await StreamAsync(api, runId)).Count;

        using var response = await approver.PostAsJsonAsync($"/api/runs/{runId}/approvals",
            new { decision = "reject", reason = "no", evidenceDigest = digest, acceptNoCanaryComparison = true }, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Token)).ShouldContain("acceptNoCanaryComparison goes with an approval");
        (await StreamAsync(api, runId)).Count.ShouldBe(before);
    }

    [Fact]
    public async Task Submit_AcceptNoCanaryComparisonOnAFirstDeployment_RecordsTheApprovalThenTheApproversSignedAcceptance()
    {
        var (runId, digest) = await AwaitingApprovalAsync();
        using var approver = api.ClientAs("paula", "approver");

        using var response = await approver.PostAsJsonAsync($"/api/runs/{runId}/approvals",
            new { decision = "approve", reason = "no traffic before launch", evidenceDigest = digest, acceptNoCanaryComparison = true }, Token);

        // Nothing polls this factory's queue: recorded, the judgement follows.
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var stream = await StreamAsync(api, runId);
        var (signed, accepted) = (stream[^2], stream[^1]);
        (await ReadAsync(response)).GetProperty("version").GetInt64().ShouldBe(signed.Version);
        signed.Data.ShouldBeOfType<ApprovalSigned>().Approver.ShouldBe("paula");
        var acceptance = accepted.Data.ShouldBeOfType<NoCanaryComparisonAccepted>();
        (acceptance.Approver, acceptance.ModelName, acceptance.EvidenceDigest).ShouldBe(("paula", _model, digest));
        acceptance.Approval.ShouldBe(new LedgerReference(signed.StreamId, signed.Version, signed.Hash));
        accepted.Context.Actor.Id.ShouldBe("paula");
        using var run = await approver.GetAsync($"/api/runs/{runId}", Token);
        var approval = (await ReadAsync(run)).GetProperty("approvals").EnumerateArray().ShouldHaveSingleItem();
        approval.GetProperty("noCanaryComparisonAccepted").GetProperty("version").GetInt64().ShouldBe(accepted.Version);
    }

    [Fact]
    public async Task Submit_PlainApprovalOnAFirstDeployment_RecordsNoAcceptance()
    {
        var (runId, digest) = await AwaitingApprovalAsync();
        using var approver = api.ClientAs("paula", "approver");

        using var response = await approver.PostAsJsonAsync($"/api/runs/{runId}/approvals", new { decision = "approve", reason = "fine", evidenceDigest = digest }, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await StreamAsync(api, runId)).Select(e => e.Data).OfType<NoCanaryComparisonAccepted>().ShouldBeEmpty();
    }
}
