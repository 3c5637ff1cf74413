using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Audit.Events.Runs;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.Approvals;

/// <summary>
/// Approvals that accept deploying without a canary comparison (ADR 0044), through the API and the real lifecycle workflow with its real
/// run-ledger activities: the workflow confirms each acceptance in the ledger and hands the quorum's acceptance to the deploy stage only
/// when every approver accepted.
/// </summary>
public sealed class NoCanaryComparisonThroughTheWorkflowTests : IClassFixture<ApiFactory>
{
    private readonly ApiFactory _api;
    private readonly string _model = "first-" + Guid.NewGuid().ToString("N")[..8];

    public NoCanaryComparisonThroughTheWorkflowTests(ApiFactory api)
    {
        _api = api;
        _api.Settings["Orchestrator:Approvals:JudgementWait"] = "00:01:00";
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Approve_BobAndCarol_DeployCarriesTheAcceptanceOnlyWhenBothAccepted(bool carolAccepts)
    {
        var stages = new StandInStages();
        await LifecycleWorker.RunAsync(_api, async () =>
        {
            using var alice = _api.ClientAs("alice", "ml-engineer");
            using var bob = _api.ClientAs("bob", "approver");
            using var carol = _api.ClientAs("carol", "approver");
            var runId = await StartRunAsync(alice, _model);
            var evidence = (await ApprovalsThroughTheWorkflowTests.UntilAsync(alice, runId,
                r => r.TryGetProperty("pendingApprovalEvidenceDigest", out var d) && d.ValueKind == JsonValueKind.String)).GetProperty("pendingApprovalEvidenceDigest").GetString()!;

            using var first = await bob.PostAsJsonAsync($"/api/runs/{runId}/approvals",
                new { decision = "approve", reason = "nothing to compare against yet", evidenceDigest = evidence, acceptNoCanaryComparison = true }, Token);
            using var second = await carol.PostAsJsonAsync($"/api/runs/{runId}/approvals",
                new { decision = "approve", reason = "reviewed", evidenceDigest = evidence, acceptNoCanaryComparison = carolAccepts }, Token);
            var run = await ApprovalsThroughTheWorkflowTests.UntilAsync(alice, runId, r => r.GetProperty("run").GetProperty("status").GetString() == "completed");

            first.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await ReadAsync(first)).GetProperty("judgement").GetProperty("outcome").GetString().ShouldBe("counted");
            second.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await ReadAsync(second)).GetProperty("judgement").GetProperty("outcome").GetString().ShouldBe("approved");
            var facts = (await StreamAsync(_api, runId)).Select(e => e.Data).ToList();
            facts.OfType<ApprovalAccepted>().Single().Approvers.ShouldBe(["bob", "carol"]);
            facts.OfType<NoCanaryComparisonAccepted>().Select(a => a.Approver).ShouldBe(carolAccepts ? ["bob", "carol"] : ["bob"]);
            run.GetProperty("approvals").EnumerateArray().Count(a => a.GetProperty("noCanaryComparisonAccepted").ValueKind == JsonValueKind.Object)
                .ShouldBe(carolAccepts ? 2 : 1);
            var deploy = stages.DeployInputs.ShouldHaveSingleItem();
            if (carolAccepts)
            {
                deploy.NoCanaryComparison.ShouldNotBeNull().AcceptedBy.ShouldBe(["bob", "carol"]);
            }
            else
            {
                deploy.NoCanaryComparison.ShouldBeNull();
            }
        }, stages);
    }
}
