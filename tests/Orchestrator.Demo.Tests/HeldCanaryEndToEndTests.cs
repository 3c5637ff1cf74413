using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Client;

namespace Orchestrator.Demo.Tests;

/// <summary>
/// Issue 17 item 2 (ADR 0040, 0044) as people meet it, end to end on the live service (API and workers in one process, real
/// PostgreSQL, Azurite, the embedded Temporal server, real training): a first deployment's canary gets no traffic, the policy
/// holds it, and dave promotes it with a signed POST /api/runs/{id}/canary-decision; the run completes with the model in
/// production and the ledger names dave. When every approver accepted deploying without a canary comparison, it is promoted
/// without a hold, saying who accepted.
/// </summary>
public sealed class HeldCanaryEndToEndTests(HeldCanaryService service) : IClassFixture<HeldCanaryService>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private HttpClient As(string user, params string[] roles)
    {
        var client = service.CreateClient();
        var key = DevelopmentTokens.LoadOrCreateKey(service.KeyPath);
        var token = DevelopmentTokens.Mint(key, DevelopmentTokens.DefaultIssuer, DevelopmentTokens.DefaultAudience, user, roles, TimeSpan.FromHours(1));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task HeldCanary_PersonPromotesWithASignedDecision_RunCompletesInProductionAndTheLedgerNamesThem()
    {
        var model = "held-" + Guid.NewGuid().ToString("N")[..8];
        using var alice = As("alice", "ml-engineer");
        using var bob = As("bob", "approver");
        using var carol = As("carol", "approver");
        using var dave = As("dave", "approver");
        var runId = await StartAsync(alice, model);

        var evidence = (await UntilAsync(alice, runId, r => r.TryGetProperty("pendingApprovalEvidenceDigest", out var d) && d.ValueKind == JsonValueKind.String))
            .GetProperty("pendingApprovalEvidenceDigest").GetString()!;
        foreach (var approver in new[] { bob, carol })
        {
            using var signed = await approver.PostAsJsonAsync($"/api/runs/{runId}/approvals", new { decision = "approve", reason = "evidence reviewed", evidenceDigest = evidence }, Token);
            signed.IsSuccessStatusCode.ShouldBeTrue(await signed.Content.ReadAsStringAsync(Token));
        }

        // Nobody sends the canary traffic: two seconds later it is held, and the run says so.
        var held = (await UntilAsync(alice, runId, r => r.TryGetProperty("canaryHold", out var h) && h.ValueKind == JsonValueKind.Object
            && h.GetProperty("status").GetString() == "canary held: waiting for a decision")).GetProperty("canaryHold");
        held.GetProperty("canaryRequests").GetInt32().ShouldBe(0);
        using var decided = await dave.PostAsJsonAsync($"/api/runs/{runId}/canary-decision",
            new { decision = "promote", reason = "launch: no users yet, errors are zero", evidenceDigest = held.GetProperty("evidenceDigest").GetString() }, Token);
        var run = await UntilAsync(alice, runId, r => r.GetProperty("run").GetProperty("status").GetString() is "completed" or "failed", seconds: 120);

        decided.StatusCode.ShouldBe(HttpStatusCode.OK, await decided.Content.ReadAsStringAsync(Token));
        run.GetProperty("run").GetProperty("status").GetString().ShouldBe("completed", run.ToString());
        var ledger = service.Services.GetRequiredService<IAuditLedger>();
        var runFacts = (await ledger.ReadStreamAsync(AuditStreams.Run(runId), 1, 1000, Token)).ToList();
        InOrder(runFacts.Select(e => e.Data.GetType().Name), "ApprovalAccepted", "CanaryDecisionRequested", "CanaryDecisionSigned", "RunCompleted");
        var signedEntry = runFacts.Single(e => e.Data is CanaryDecisionSigned);
        (signedEntry.Data.ShouldBeOfType<CanaryDecisionSigned>().Approver, signedEntry.Context.Actor.Id).ShouldBe(("dave", "dave"));
        runFacts.Select(e => e.Data).OfType<RunCompleted>().Single().Summary.ShouldContain("promoted by dave");
        var modelFacts = (await ledger.ReadStreamAsync(AuditStreams.Model(model), 1, 1000, Token)).Select(e => e.Data).ToList();
        InOrder(modelFacts.Select(f => f.GetType().Name), "ModelDeployed", "CanaryHeld", "CanaryHoldResolved", "ModelPromoted");
        var resolved = modelFacts.OfType<CanaryHoldResolved>().Single();
        (resolved.Decision, resolved.DecidedBy, resolved.CanaryRequests, resolved.ProductionRequests).ShouldBe(("promote", "dave", 0, 0));
        resolved.Signature.ShouldBe(new LedgerReference(signedEntry.StreamId, signedEntry.Version, signedEntry.Hash));
        using var registry = await alice.GetAsync($"/api/models/{model}", Token);
        (await Read(registry)).ToString().ShouldContain("\"production\"");
    }

    [Fact]
    public async Task FirstDeployment_EveryApproverAcceptsNoCanaryComparison_PromotedWithoutTrafficSayingWhoAccepted()
    {
        var model = "accepted-" + Guid.NewGuid().ToString("N")[..8];
        using var alice = As("alice", "ml-engineer");
        using var bob = As("bob", "approver");
        using var carol = As("carol", "approver");
        var runId = await StartAsync(alice, model);
        var evidence = (await UntilAsync(alice, runId, r => r.TryGetProperty("pendingApprovalEvidenceDigest", out var d) && d.ValueKind == JsonValueKind.String))
            .GetProperty("pendingApprovalEvidenceDigest").GetString()!;

        foreach (var approver in new[] { bob, carol })
        {
            using var signed = await approver.PostAsJsonAsync($"/api/runs/{runId}/approvals",
                new { decision = "approve", reason = "launch: nothing to compare against yet", evidenceDigest = evidence, acceptNoCanaryComparison = true }, Token);
            signed.IsSuccessStatusCode.ShouldBeTrue(await signed.Content.ReadAsStringAsync(Token));
        }

        // The policy would hold a canary without traffic; every approver accepted deploying without a comparison, so it is promoted.
        var run = await UntilAsync(alice, runId, r => r.GetProperty("run").GetProperty("status").GetString() is "completed" or "failed", seconds: 120);

        run.GetProperty("run").GetProperty("status").GetString().ShouldBe("completed", run.ToString());
        var ledger = service.Services.GetRequiredService<IAuditLedger>();
        var runFacts = (await ledger.ReadStreamAsync(AuditStreams.Run(runId), 1, 1000, Token)).Select(e => e.Data).ToList();
        runFacts.OfType<NoCanaryComparisonAccepted>().Select(a => a.Approver).ShouldBe(["bob", "carol"]);
        runFacts.OfType<CanaryDecisionRequested>().ShouldBeEmpty();
        runFacts.OfType<RunCompleted>().Single().Summary.ShouldStartWith(
            "deployed without a canary comparison, accepted by bob, carol: canary 0 requests (0 errors) of the 20 a comparison needs, no production version");
        var modelFacts = (await ledger.ReadStreamAsync(AuditStreams.Model(model), 1, 1000, Token)).Select(e => e.Data).ToList();
        InOrder(modelFacts.Select(f => f.GetType().Name), "ModelDeployed", "DeployedWithoutCanaryComparison", "ModelPromoted");
        modelFacts.OfType<CanaryHeld>().ShouldBeEmpty();
        modelFacts.OfType<DeployedWithoutCanaryComparison>().Single().AcceptedBy.ShouldBe(["bob", "carol"]);
    }

    private static async Task<string> StartAsync(HttpClient client, string model)
    {
        using var started = await client.PostAsJsonAsync("/api/runs", new
        {
            modelName = model,
            dataset = new { kind = "synthetic", parameters = new Dictionary<string, string> { ["count"] = "240", ["seed"] = "21" }, licence = "CC0-1.0", consent = "synthetic", retention = "P7Y" },
            policy = new { name = HeldCanaryService.Policy },
        }, Token);
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync(Token));
        return (await Read(started)).GetProperty("runId").GetString()!;
    }

    /// <summary>Asserts that <paramref name="expected"/> occur in <paramref name="facts"/> in this order (others may come between).</summary>
    private static void InOrder(IEnumerable<string> facts, params string[] expected)
    {
        var all = facts.ToList();
        var at = 0;
        foreach (var name in expected)
        {
            var found = all.FindIndex(at, f => f == name);
            found.ShouldBeGreaterThanOrEqualTo(0, $"{name} missing after position {at} in: {string.Join(", ", all)}");
            at = found + 1;
        }
    }

    private static async Task<JsonElement> Read(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.Clone();

    /// <summary>Polls GET /api/runs/{id} until <paramref name="condition"/> holds, failing after <paramref name="seconds"/> with the run's last view.</summary>
    private static async Task<JsonElement> UntilAsync(HttpClient client, string runId, Func<JsonElement, bool> condition, int seconds = 300)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            using var response = await client.GetAsync($"/api/runs/{runId}", Token);
            var run = await Read(response);
            if (response.IsSuccessStatusCode && condition(run))
            {
                return run;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"run {runId} did not reach the expected state: {run}");
            }

            await Task.Delay(250, Token);
        }
    }
}
