using System.Net;
using System.Net.Http.Json;
using Orchestrator.Audit.Events.Runs;
using Temporalio.Api.Enums.V1;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.Runs;

public sealed class RunEndpointsTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Start_ValidRequest_Returns202RecordsRequesterAndStartsWorkflow()
    {
        using var client = api.ClientAs("alice", "ml-engineer");

        using var response = await client.PostAsJsonAsync("/api/runs", StartBody(), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var body = await ReadAsync(response);
        var runId = body.GetProperty("runId").GetString()!;
        response.Headers.Location!.ToString().ShouldBe($"/api/runs/{runId}");
        var entries = await StreamAsync(api, runId);
        entries.Count.ShouldBe(2);
        var requested = entries[0];
        requested.Data.ShouldBeOfType<RunRequested>().ModelName.ShouldBe("shapes");
        requested.Context.Actor.Id.ShouldBe("alice");
        // The separation-of-duties set, recorded on the run: here only the requester shaped it.
        entries[1].Data.ShouldBeOfType<RunContributorsRecorded>().Contributors.ShouldBe([new Orchestrator.Audit.Events.RunContribution("alice", "requester", null)]);
        var description = await api.Temporal.GetWorkflowHandle(body.GetProperty("workflowId").GetString()!).DescribeAsync(new Temporalio.Client.WorkflowDescribeOptions { Rpc = new Temporalio.Client.RpcOptions { CancellationToken = Token } });
        description.Status.ShouldBe(WorkflowExecutionStatus.Running);
        description.TaskQueue.ShouldBe(api.TaskQueue);
    }

    [Fact]
    public async Task Start_SameIdempotencyKeyTwice_ReturnsTheSameRunOnce()
    {
        using var client = api.ClientAs("bob", "ml-engineer");
        client.DefaultRequestHeaders.Add("Idempotency-Key", "bob-run-1");

        using var first = await client.PostAsJsonAsync("/api/runs", StartBody(), Token);
        using var second = await client.PostAsJsonAsync("/api/runs", StartBody(), Token);

        second.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var runId = (await ReadAsync(first)).GetProperty("runId").GetString()!;
        (await ReadAsync(second)).GetProperty("runId").GetString().ShouldBe(runId);
        (await StreamAsync(api, runId)).Select(e => e.Data.GetType()).ShouldBe([typeof(RunRequested), typeof(RunContributorsRecorded)]);
    }

    [Fact]
    public async Task Start_SameIdempotencyKeyDifferentBody_Returns409()
    {
        using var client = api.ClientAs("carol", "ml-engineer");
        client.DefaultRequestHeaders.Add("Idempotency-Key", "carol-run-1");
        using var first = await client.PostAsJsonAsync("/api/runs", StartBody("shapes"), Token);

        using var second = await client.PostAsJsonAsync("/api/runs", StartBody("other-model"), Token);

        first.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        second.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await ReadAsync(second)).GetProperty("type").GetString().ShouldBe("https://orchestrator.dev/problems/conflict");
    }

    [Theory]
    [InlineData("""{"modelName":"Bad Name","dataset":{"kind":"synthetic","licence":"x","consent":"x","retention":"P1Y"}}""", "ModelName")]
    [InlineData("""{"modelName":"m","dataset":{"kind":"ftp","licence":"x","consent":"x","retention":"P1Y"}}""", "Dataset.Kind")]
    [InlineData("""{"modelName":"m","dataset":{"kind":"image-folder","location":"../../etc","licence":"x","consent":"x","retention":"P1Y"}}""", "Dataset.Location")]
    [InlineData("""{"modelName":"m","dataset":{"kind":"synthetic","licence":"x","consent":"x","retention":"P1Y"},"policy":{"name":"nope"}}""", "Policy")]
    [InlineData("""{"modelName":"m"}""", "Dataset")]
    [InlineData("""{"modelName":"m","dataset":{"kind":"synthetic","parameters":{"count":"4"},"licence":"x","consent":"x","retention":"P1Y"}}""", "Dataset.Parameters")]
    [InlineData("""{"modelName":"m","dataset":{"kind":"synthetic","parameters":{"count":"2000000000","seed":"1"},"licence":"x","consent":"x","retention":"P1Y"}}""", "Dataset.Parameters")]
    [InlineData("""{"modelName":"m","dataset":{"kind":"synthetic","parameters":{"count":"4","seed":"1","image-size":"100000"},"licence":"x","consent":"x","retention":"P1Y"}}""", "Dataset.Parameters")]
    [InlineData("""{"modelName":"m","dataset":{"kind":"synthetic","parameters":{"count":"4","seed":"x"},"licence":"x","consent":"x","retention":"P1Y"}}""", "Dataset.Parameters")]
    [InlineData("""{"modelName":"m","dataset":{"kind":"synthetic","parameters":{"count":"4","seed":"1","colour":"red"},"licence":"x","consent":"x","retention":"P1Y"}}""", "Dataset.Parameters")]
    [InlineData("""{"modelName":"m","dataset":{"kind":"synthetic","parameters":{"count":"4","seed":"1"},"licence":"x","consent":"x","retention":"P1Y"},"annotation":{"kind":"simulated","parameters":{"annotators":"1000"}}}""", "Annotation.Parameters")]
    [InlineData("""{"modelName":"m","dataset":{"kind":"synthetic","parameters":{"count":"4","seed":"1"},"licence":"x","consent":"x","retention":"P1Y"},"annotation":{"kind":"simulated","parameters":{"accuracy":"1.5"}}}""", "Annotation.Parameters")]
    public async Task Start_InvalidRequest_Returns400ValidationAndRecordsNothing(string json, string field)
    {
        using var client = api.ClientAs("dave", "ml-engineer");

        using var response = await client.PostAsync("/api/runs", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await ReadAsync(response);
        problem.GetProperty("type").GetString().ShouldBe("https://orchestrator.dev/problems/validation");
        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ShouldContain(field);
        using var list = await client.GetAsync("/api/runs?requestedBy=dave", Token);
        (await ReadAsync(list)).GetProperty("items").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task List_FilteredByRequesterWithPaging_ReturnsTheirRunsNewestFirstWithNextLink()
    {
        using var erin = api.ClientAs("erin", "ml-engineer");
        var older = await StartRunAsync(erin);
        var newer = await StartRunAsync(erin);

        using var page1 = await erin.GetAsync("/api/runs?requestedBy=erin&take=1", Token);
        var body = await ReadAsync(page1);

        body.GetProperty("items")[0].GetProperty("runId").GetString().ShouldBe(newer);
        var next = body.GetProperty("next").GetString()!;
        using var page2 = await erin.GetAsync(next, Token);
        var body2 = await ReadAsync(page2);
        body2.GetProperty("items")[0].GetProperty("runId").GetString().ShouldBe(older);
        body2.GetProperty("items")[0].GetProperty("status").GetString().ShouldBe("requested");
    }

    [Theory]
    [InlineData("status=exploded")]
    [InlineData("take=0")]
    [InlineData("take=100000")]
    [InlineData("model=DROP%20TABLE")]
    public async Task List_BadQuery_Returns400(string query)
    {
        using var client = api.ClientAs("frank", "auditor");

        using var response = await client.GetAsync($"/api/runs?{query}", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Get_StartedRun_ReturnsLedgerViewAndLinks()
    {
        using var client = api.ClientAs("gina", "ml-engineer");
        var runId = await StartRunAsync(client);

        using var response = await client.GetAsync($"/api/runs/{runId}", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await ReadAsync(response);
        body.GetProperty("run").GetProperty("requestedBy").GetString().ShouldBe("gina");
        body.GetProperty("policyVersion").GetString().ShouldBe("default/v1");
        body.GetProperty("links").GetProperty("events").GetString().ShouldBe($"/api/audit/streams/run-{runId}/events");
    }

    [Theory]
    [InlineData("does-not-exist")]
    [InlineData("..%2F..%2Fetc")]
    public async Task Get_UnknownRun_Returns404Problem(string runId)
    {
        using var client = api.ClientAs("gina", "ml-engineer");

        using var response = await client.GetAsync($"/api/runs/{runId}", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await ReadAsync(response)).GetProperty("type").GetString().ShouldBe("https://orchestrator.dev/problems/not-found");
    }

    [Fact]
    public async Task Cancel_ByAnotherEngineer_Returns403AndLeavesTheWorkflowAlone()
    {
        using var owner = api.ClientAs("hank", "ml-engineer");
        using var other = api.ClientAs("ivy", "ml-engineer");
        var runId = await StartRunAsync(owner);

        using var response = await other.PostAsJsonAsync($"/api/runs/{runId}/cancel", new { reason = "not mine" }, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await CancelRequestedAsync(runId)).ShouldBeFalse();
        (await StreamAsync(api, runId)).ShouldNotContain(e => e.Data is RunCancellationRequested);
    }

    [Theory]
    [InlineData("hank", "ml-engineer")]
    [InlineData("root", "admin")]
    public async Task Cancel_ByRequesterOrAdmin_Returns202AndRequestsCancellation(string user, string role)
    {
        using var owner = api.ClientAs("hank", "ml-engineer");
        using var canceller = api.ClientAs(user, role);
        var runId = await StartRunAsync(owner);

        using var response = await canceller.PostAsJsonAsync($"/api/runs/{runId}/cancel", new { reason = "wrong dataset" }, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await CancelRequestedAsync(runId)).ShouldBeTrue();
        var requested = (await StreamAsync(api, runId)).Single(e => e.Data is RunCancellationRequested);
        requested.Data.ShouldBe(new RunCancellationRequested(user, "wrong dataset"));
        requested.Context.Actor.Id.ShouldBe(user);
    }

    private async Task<bool> CancelRequestedAsync(string runId)
    {
        var history = await api.Temporal.GetWorkflowHandle($"model-lifecycle-{runId}").FetchHistoryAsync(new Temporalio.Client.WorkflowHistoryEventFetchOptions { Rpc = new Temporalio.Client.RpcOptions { CancellationToken = Token } });
        return history.Events.Any(e => e.EventType == EventType.WorkflowExecutionCancelRequested);
    }
}
