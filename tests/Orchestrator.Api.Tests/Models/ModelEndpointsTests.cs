using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Api.Tests.Predictions;
using Orchestrator.Workflows.Monitor;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;

namespace Orchestrator.Api.Tests.Models;

public sealed class ModelEndpointsTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>(Token);

    [Fact]
    public async Task Stop_ThenResume_Answers503WithTheReasonUntilResumed()
    {
        var model = ServingFixture.NewModel();
        await ServingFixture.SeedAsync(api, model);
        using var approver = api.ClientAs("alice", "approver");
        using var engineer = api.ClientAs("erin", "ml-engineer");

        using var notAllowed = await engineer.PostAsJsonAsync($"/api/models/{model}/stop", new { reason = "x" }, Token);
        using var stop = await approver.PostAsJsonAsync($"/api/models/{model}/stop", new { reason = "wrong labels in production" }, Token);
        using var stopped = await engineer.PostAsync($"/api/models/{model}/predict", ServingFixture.Png(200, 0, 0), Token);
        var problem = await ReadAsync(stopped);
        using var resume = await approver.PostAsJsonAsync($"/api/models/{model}/resume", new { reason = "labels fixed" }, Token);
        using var served = await engineer.PostAsync($"/api/models/{model}/predict", ServingFixture.Png(200, 0, 0), Token);

        notAllowed.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        stop.StatusCode.ShouldBe(HttpStatusCode.OK);
        stopped.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        problem.GetProperty("type").GetString().ShouldBe("https://orchestrator.dev/problems/model-stopped");
        problem.GetProperty("detail").GetString()!.ShouldContain("wrong labels in production");
        resume.StatusCode.ShouldBe(HttpStatusCode.OK);
        served.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ServingFixture.Log(api).CountAsync(model, Token)).ShouldBe(1);
    }

    [Fact]
    public async Task Stop_ThenResume_SignalsTheModelsMonitor()
    {
        var model = ServingFixture.NewModel();
        await ServingFixture.SeedAsync(api, model);
        // The monitor only has to exist on the server: the signals land in its history whether or not a worker runs it.
        var monitor = await api.Temporal.StartWorkflowAsync((ModelMonitorWorkflow wf) => wf.RunAsync(new ModelMonitorWorkflow.Input(model, null)),
            new WorkflowOptions(ModelMonitorWorkflow.WorkflowId(model), $"no-worker-{Guid.NewGuid():N}"));
        using var approver = api.ClientAs("alice", "approver");

        using var stop = await approver.PostAsJsonAsync($"/api/models/{model}/stop", new { reason = "wrong labels in production" }, Token);
        using var resume = await approver.PostAsJsonAsync($"/api/models/{model}/resume", new { reason = "labels fixed" }, Token);

        stop.StatusCode.ShouldBe(HttpStatusCode.OK);
        resume.StatusCode.ShouldBe(HttpStatusCode.OK);
        var history = await monitor.FetchHistoryAsync();
        var signals = history.Events.Where(e => e.EventType == EventType.WorkflowExecutionSignaled).Select(e => e.WorkflowExecutionSignaledEventAttributes.SignalName).ToList();
        signals.ShouldBe(["ServingStopped", "ServingResumed"]);
        await monitor.TerminateAsync("test over", new() { Rpc = new() { CancellationToken = Token } });
    }

    [Fact]
    public async Task Stop_ModelWithoutMonitor_StillStops()
    {
        var model = ServingFixture.NewModel();
        await ServingFixture.SeedAsync(api, model);
        using var approver = api.ClientAs("alice", "approver");

        using var stop = await approver.PostAsJsonAsync($"/api/models/{model}/stop", new { reason = "no monitor yet" }, Token);

        stop.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Decommission_SupersededVersion_Answers410NamingTheSuccessor()
    {
        var model = ServingFixture.NewModel();
        await ServingFixture.SeedAsync(api, model, versions: 2);
        using var approver = api.ClientAs("alice", "approver");

        using var production = await approver.PostAsJsonAsync($"/api/models/{model}/versions/2/decommission", new { reason = "still serving" }, Token);
        using var retire = await approver.PostAsJsonAsync($"/api/models/{model}/versions/1/decommission", new { reason = "superseded by v2" }, Token);
        using var caller = api.ClientAs("svc-shop", "predictor");
        using var gone = await caller.PostAsync($"/api/models/{model}/versions/1/predict", ServingFixture.Png(0, 200, 0), Token);
        using var promoteGone = await approver.PostAsJsonAsync($"/api/models/{model}/promote", new { version = 1, reason = "bring it back" }, Token);
        using var registry = await approver.GetAsync($"/api/models/{model}", Token);

        production.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        retire.StatusCode.ShouldBe(HttpStatusCode.OK);
        gone.StatusCode.ShouldBe(HttpStatusCode.Gone);
        var problem = await ReadAsync(gone);
        problem.GetProperty("successor").GetInt32().ShouldBe(2);
        problem.GetProperty("detail").GetString()!.ShouldContain("successor is version 2");
        promoteGone.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var versions = (await ReadAsync(registry)).GetProperty("versions");
        versions[0].GetProperty("status").GetString().ShouldBe("Decommissioned");
        (await ServingFixture.Log(api).CountAsync(model, Token)).ShouldBe(0);
    }

    [Fact]
    public async Task PromoteAndRollback_ByApprover_MoveProductionAndAreListed()
    {
        var model = ServingFixture.NewModel();
        await ServingFixture.SeedAsync(api, model, versions: 2);
        using var approver = api.ClientAs("alice", "approver");

        using var rollback = await approver.PostAsJsonAsync($"/api/models/{model}/rollback", new { reason = "v2 misbehaves" }, Token);
        using var caller = api.ClientAs("svc-shop", "predictor");
        using var afterRollback = await caller.PostAsync($"/api/models/{model}/predict", ServingFixture.Png(0, 0, 200), Token);
        using var promote = await approver.PostAsJsonAsync($"/api/models/{model}/promote", new { version = 2, reason = "fixed upstream" }, Token);
        using var list = await approver.GetAsync("/api/models", Token);

        rollback.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ReadAsync(afterRollback)).GetProperty("version").GetInt32().ShouldBe(1);
        promote.StatusCode.ShouldBe(HttpStatusCode.OK);
        var entry = (await ReadAsync(list)).EnumerateArray().Single(m => m.GetProperty("name").GetString() == model);
        entry.GetProperty("production").GetInt32().ShouldBe(2);
    }
}
