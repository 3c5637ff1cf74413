using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Orchestrator.Api.Tests.Approvals;
using Orchestrator.Audit.Events.Runs;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.GoldAudits;

/// <summary>
/// A human gold audit as a reviewer meets it (issue 17 item 5): a run under a policy requiring one waits; an annotator's audit is
/// refused by the workflow's rules; an independent reviewer's audit, submitted through the API, is confirmed from the ledger by the
/// real workflow and handed to QC, and the run goes on to approval.
/// </summary>
public sealed class GoldAuditThroughTheWorkflowTests : IClassFixture<ApiFactory>
{
    private readonly ApiFactory _api;

    public GoldAuditThroughTheWorkflowTests(ApiFactory api)
    {
        _api = api;
        _api.Settings["Orchestrator:Approvals:JudgementWait"] = "00:01:00";
        var directory = Directory.CreateTempSubdirectory("gold-audit-policy-").FullName;
        var document = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "activities", "Orchestrator.Operations", "Policies", "Catalog", "default.v1.json")))!;
        document["name"] = "human-audit";
        document["quality"]!["goldAudit"] = "human";
        document["quality"]!["goldAuditDeadline"] = "01:00:00";
        File.WriteAllText(Path.Combine(directory, "human-audit.v1.json"), document.ToJsonString());
        _api.Settings["Orchestrator:Policies:Directory"] = directory;
    }

    [Fact]
    public async Task GoldAudit_ReviewerThroughTheApi_TakenByTheWorkflowIntoQcAndTheRunGoesOn()
    {
        await LifecycleWorker.RunAsync(_api, async () =>
        {
            using var alice = _api.ClientAs("alice", "ml-engineer");
            using var rita = _api.ClientAs("rita", "reviewer");
            using var annotator = _api.ClientAs("ann-2", "reviewer");
            var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(StartBody()))!;
            body["policy"] = new JsonObject { ["name"] = "human-audit" };
            using var started = await alice.PostAsJsonAsync("/api/runs", body, Token);
            started.EnsureSuccessStatusCode();
            var runId = (await ReadAsync(started)).GetProperty("runId").GetString()!;

            var view = await UntilOpenAsync(rita, runId);
            var labelSet = view.GetProperty("labelSetDigest").GetString();
            object Audit(params string[] items) => new { labelSetDigest = labelSet, labels = items.Select(i => new { itemId = i, label = "circle" }) };

            using var refused = await annotator.PostAsJsonAsync($"/api/runs/{runId}/gold-audit", Audit("i1"), Token);
            using var taken = await rita.PostAsJsonAsync($"/api/runs/{runId}/gold-audit", Audit("i1", "i2", "i3"), Token);

            refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await ReadAsync(refused)).GetProperty("detail").GetString()!.ShouldContain("annotated this run's data");
            taken.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await ReadAsync(taken)).GetProperty("judgement").GetProperty("outcome").GetString().ShouldBe("accepted");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!StandInStages.QcAudits.ContainsKey(runId) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, Token);
            }

            StandInStages.QcAudits[runId].ShouldNotBeNull().Reviewer.ShouldBe("rita");
            var stream = await StreamAsync(_api, runId);
            stream.Select(e => e.Data).OfType<GoldAuditSubmitted>().ShouldHaveSingleItem().Reviewer.ShouldBe("rita");
            stream.Select(e => e.Data).OfType<GoldAuditRequested>().ShouldHaveSingleItem();
        });
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Orchestrator.sln not found above the test binaries");
    }

    private static async Task<System.Text.Json.JsonElement> UntilOpenAsync(HttpClient client, string runId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await client.GetAsync($"/api/runs/{runId}/gold-audit", Token);
            if (response.StatusCode == HttpStatusCode.OK && (await ReadAsync(response)) is var view && view.GetProperty("open").GetBoolean())
            {
                return view;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"run {runId} never waited for a gold audit");
            }

            await Task.Delay(100, Token);
        }
    }
}
