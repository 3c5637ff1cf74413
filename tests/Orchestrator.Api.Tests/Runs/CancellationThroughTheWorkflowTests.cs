using System.Net;
using System.Net.Http.Json;
using Orchestrator.Api.Tests.Approvals;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.Runs;

/// <summary>
/// Cancellation as a user meets it (issue 17 item 9), through the API against the real lifecycle workflow, policy
/// pinning and run-ledger activities: who asked and why is in the ledger, and a run cancelled right after it was
/// started ends cancelled in the ledger wherever the cancellation caught it (starting, a stage, the approval wait).
/// </summary>
public sealed class CancellationThroughTheWorkflowTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private const int Runs = 50;

    [Fact]
    public async Task Cancel_FiftyRunsRightAfterTheirStart_AllEndCancelledInTheLedgerWithWhoAndWhy()
    {
        await LifecycleWorker.RunAsync(api, async () =>
        {
            using var alice = api.ClientAs("alice", "ml-engineer");
            var runIds = new List<string>();
            for (var i = 0; i < Runs; i++)
            {
                var runId = await StartRunAsync(alice);
                using var cancel = await alice.PostAsJsonAsync($"/api/runs/{runId}/cancel", new { reason = $"wrong dataset #{i}" }, Token);
                cancel.StatusCode.ShouldBe(HttpStatusCode.Accepted);
                runIds.Add(runId);
            }

            foreach (var (runId, i) in runIds.Select((r, i) => (r, i)))
            {
                var run = await ApprovalsThroughTheWorkflowTests.UntilAsync(alice, runId, r => r.GetProperty("run").GetProperty("status").GetString() != "requested"
                    && r.GetProperty("run").GetProperty("status").GetString() != "running");

                run.GetProperty("run").GetProperty("status").GetString().ShouldBe("cancelled", $"run {i} ({runId})");
                var cancellation = run.GetProperty("cancellation");
                cancellation.GetProperty("requestedBy").GetString().ShouldBe("alice");
                cancellation.GetProperty("reason").GetString().ShouldBe($"wrong dataset #{i}");
                var facts = await StreamAsync(api, runId);
                var requested = facts.Single(e => e.Data is RunCancellationRequested);
                requested.Context.Actor.Kind.ShouldBe(ActorKind.User);
                requested.Context.Actor.Id.ShouldBe("alice");
                var cancelled = facts.Single(e => e.Data is RunCancelled);
                cancelled.Version.ShouldBeGreaterThan(requested.Version);
            }

            // Where the cancellations caught the runs (for the record; the races differ from machine to machine).
            var caught = new List<string>();
            foreach (var runId in runIds)
            {
                caught.Add((await StreamAsync(api, runId)).Select(e => e.Data).OfType<RunCancelled>().Single().Reason.Split(':')[0]);
            }

            TestContext.Current.TestOutputHelper?.WriteLine(string.Join(", ", caught.GroupBy(c => c).Select(g => $"{g.Key}: {g.Count()}")));
            using var again = await alice.PostAsJsonAsync($"/api/runs/{runIds[0]}/cancel", new { reason = "twice" }, Token);
            again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            (await ReadAsync(again)).GetProperty("detail").GetString()!.ShouldContain("already ended (cancelled)");
        });
    }
}
