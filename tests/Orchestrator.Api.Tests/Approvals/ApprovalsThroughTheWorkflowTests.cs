using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Audit.Events.Runs;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.Approvals;

/// <summary>
/// Approvals as an approver meets them (issue 17 item 8, ADR 0022): through the API, against the real lifecycle
/// workflow whose run-ledger activities write the ledger the API reads. The answer is the workflow's judgement, and a
/// signature that does not count never locks the run out of the approvals that do.
/// </summary>
public sealed class ApprovalsThroughTheWorkflowTests : IClassFixture<ApiFactory>
{
    private readonly ApiFactory _api;

    public ApprovalsThroughTheWorkflowTests(ApiFactory api)
    {
        _api = api;
        _api.Settings["Orchestrator:Approvals:JudgementWait"] = "00:01:00";
    }

    [Fact]
    public async Task Approve_BobTwiceWithoutAKey_SecondRefusedAndCarolStillCompletesTheRun()
    {
        await LifecycleWorker.RunAsync(_api, async () =>
        {
            using var alice = _api.ClientAs("alice", "ml-engineer");
            using var bob = _api.ClientAs("bob", "approver");
            using var carol = _api.ClientAs("carol", "approver");
            var runId = await StartRunAsync(alice);
            var evidence = await AwaitingApprovalAsync(alice, runId);

            using var first = await Approve(bob, runId, evidence);
            using var second = await Approve(bob, runId, evidence);
            var signedBeforeCarol = (await StreamAsync(_api, runId)).Count(e => e.Data is ApprovalSigned);
            using var third = await Approve(carol, runId, evidence);

            first.StatusCode.ShouldBe(HttpStatusCode.OK);
            var counted = (await ReadAsync(first)).GetProperty("judgement");
            counted.GetProperty("outcome").GetString().ShouldBe("counted");
            counted.GetProperty("approvalsStillNeeded").GetInt32().ShouldBe(1);
            second.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            (await ReadAsync(second)).GetProperty("detail").GetString()!.ShouldContain("bob has already approved");
            third.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await ReadAsync(third)).GetProperty("judgement").GetProperty("outcome").GetString().ShouldBe("approved");
            var run = await UntilAsync(alice, runId, r => r.GetProperty("run").GetProperty("status").GetString() == "completed");
            run.GetProperty("approvals").GetArrayLength().ShouldBe(2);
            var facts = (await StreamAsync(_api, runId)).Select(e => e.Data).ToList();
            facts.OfType<ApprovalRejected>().ShouldBeEmpty();
            facts.OfType<ApprovalAccepted>().Single().Approvers.ShouldBe(["bob", "carol"]);
            signedBeforeCarol.ShouldBe(1); // bob's second attempt was refused before anything was recorded
        });
    }

    [Fact]
    public async Task Approve_BobAgainUnderANewKey_WorkflowRefusesItAsApprovalRefusedAndCarolStillCompletesTheRun()
    {
        await LifecycleWorker.RunAsync(_api, async () =>
        {
            using var alice = _api.ClientAs("alice", "ml-engineer");
            using var bob = _api.ClientAs("bob", "approver");
            using var carol = _api.ClientAs("carol", "approver");
            var runId = await StartRunAsync(alice);
            var evidence = await AwaitingApprovalAsync(alice, runId);

            using var first = await Approve(bob, runId, evidence, key: "bob-1");
            // A different key is a second signature: the API cannot tell it from a retry, so it records it and the workflow judges.
            using var second = await Approve(bob, runId, evidence, key: "bob-2");
            var afterRefusal = await UntilAsync(alice, runId, r => r.GetProperty("refusedSignatures").GetArrayLength() == 1);
            using var pendingForCarol = await carol.GetAsync("/api/approvals/pending", Token);
            using var third = await Approve(carol, runId, evidence);

            first.StatusCode.ShouldBe(HttpStatusCode.OK);
            second.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            (await ReadAsync(second)).GetProperty("detail").GetString()!.ShouldContain("did not count (refused)");
            afterRefusal.GetProperty("run").GetProperty("stage").GetString().ShouldBe("awaiting-approval");
            (await ReadAsync(pendingForCarol)).EnumerateArray().Select(p => p.GetProperty("runId").GetString()).ShouldContain(runId);
            third.StatusCode.ShouldBe(HttpStatusCode.OK);
            await UntilAsync(alice, runId, r => r.GetProperty("run").GetProperty("status").GetString() == "completed");
            var refused = (await StreamAsync(_api, runId)).Select(e => e.Data).OfType<ApprovalRefused>().ShouldHaveSingleItem();
            (refused.Approver, refused.Rule).ShouldBe(("bob", "duplicate"));
        });
    }

    [Fact]
    public async Task Approve_SameKeyRepeated_SameEntryAndSameJudgement()
    {
        await LifecycleWorker.RunAsync(_api, async () =>
        {
            using var alice = _api.ClientAs("alice", "ml-engineer");
            using var bob = _api.ClientAs("bob", "approver");
            var runId = await StartRunAsync(alice);
            var evidence = await AwaitingApprovalAsync(alice, runId);

            using var first = await Approve(bob, runId, evidence, key: "bob-once");
            using var again = await Approve(bob, runId, evidence, key: "bob-once");

            first.StatusCode.ShouldBe(HttpStatusCode.OK);
            again.StatusCode.ShouldBe(HttpStatusCode.OK);
            var (a, b) = (await ReadAsync(first), await ReadAsync(again));
            b.GetProperty("version").GetInt64().ShouldBe(a.GetProperty("version").GetInt64());
            b.GetProperty("judgement").GetProperty("outcome").GetString().ShouldBe("counted");
            (await StreamAsync(_api, runId)).Count(e => e.Data is ApprovalSigned).ShouldBe(1);
            (await StreamAsync(_api, runId)).ShouldNotContain(e => e.Data is ApprovalRefused);
        });
    }

    private static Task<HttpResponseMessage> Approve(HttpClient client, string runId, string evidence, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/runs/{runId}/approvals")
        {
            Content = JsonContent.Create(new { decision = "approve", reason = "reviewed the evidence report", evidenceDigest = evidence }),
        };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return client.SendAsync(request, Token);
    }

    private static async Task<string> AwaitingApprovalAsync(HttpClient client, string runId) =>
        (await UntilAsync(client, runId, r => r.TryGetProperty("pendingApprovalEvidenceDigest", out var d) && d.ValueKind == JsonValueKind.String))
            .GetProperty("pendingApprovalEvidenceDigest").GetString()!;

    /// <summary>Polls GET /api/runs/{id} until <paramref name="condition"/> holds, within a minute.</summary>
    public static async Task<JsonElement> UntilAsync(HttpClient client, string runId, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            using var response = await client.GetAsync($"/api/runs/{runId}", Token);
            var run = await ReadAsync(response);
            if (response.IsSuccessStatusCode && condition(run))
            {
                return run;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"run {runId} did not reach the expected state: {run}");
            }

            await Task.Delay(100, Token);
        }
    }
}
