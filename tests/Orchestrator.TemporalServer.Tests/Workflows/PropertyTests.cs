using Orchestrator.Testing.Temporal;
using Orchestrator.TemporalServer.Tests.Activities;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Common;
using Temporalio.Converters;
using Temporalio.Exceptions;
using static Orchestrator.TemporalServer.Tests.Conformance;

namespace Orchestrator.TemporalServer.Tests.Workflows;

/// <summary>Memo, user metadata, search attributes, list paging and the history size a workflow sees.</summary>
public sealed class PropertyTests(TemporalEnvironment env) : IClassFixture<TemporalEnvironment>
{
    private static void Register(Temporalio.Worker.TemporalWorkerOptions o) => o.AddAllActivities(new ConformanceActivities())
        .AddWorkflow<MemoWorkflow>().AddWorkflow<GrowingHistoryWorkflow>().AddWorkflow<CountingWorkflow>();

    [Fact]
    public async Task UpsertMemo_KeyUnset_RemovesKey()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((MemoWorkflow wf) => wf.RunAsync(), Options(NewId("memo"), queue));
            await handle.GetResultAsync();

            var memo = (await handle.DescribeAsync()).Memo;
            memo.Keys.ShouldBe(["kept"]);
        });
    }

    [Fact]
    public async Task UserMetadata_OnStartAndCommands_IsKept()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var options = Options(NewId("metadata"), queue);
            options.StaticSummary = "a summary";
            options.StaticDetails = "some details";
            var handle = await env.Client.StartWorkflowAsync((MemoWorkflow wf) => wf.RunAsync(), options);
            await handle.GetResultAsync();

            var description = await handle.DescribeAsync();
            (await description.GetStaticSummaryAsync()).ShouldBe("a summary");
            (await description.GetStaticDetailsAsync()).ShouldBe("some details");
            var history = await handle.FetchHistoryAsync();
            Summary(history.Events.Single(e => e.EventType == EventType.ActivityTaskScheduled)).ShouldBe("greeting activity");
            Summary(history.Events.Single(e => e.EventType == EventType.TimerStarted)).ShouldBe("short timer");
        });
    }

    [Fact]
    public async Task Start_UnregisteredTypedSearchAttribute_IsInvalidArgument()
    {
        var options = Options(NewId("search-attribute"), NewQueue());
        options.TypedSearchAttributes = new SearchAttributeCollection.Builder()
            .Set(SearchAttributeKey.CreateKeyword("OrchestratorNeverRegistered"), "x").ToSearchAttributeCollection();

        var error = await Should.ThrowAsync<RpcException>(() => env.Client.StartWorkflowAsync((MemoWorkflow wf) => wf.RunAsync(), options));

        error.Code.ShouldBe(RpcException.StatusCode.InvalidArgument);
    }

    [Fact]
    public async Task ListWorkflowsPaginated_PageSizeTwo_PagesWithToken()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            for (var i = 0; i < 3; i++)
            {
                await env.Client.ExecuteWorkflowAsync((CountingWorkflow wf) => wf.RunAsync(0, 0), Options(NewId("paged"), queue));
            }

            var query = $"TaskQueue = '{queue}'";
            await EventuallyAsync(async () => (await env.Client.CountWorkflowsAsync(query)).Count == 3);
            var first = await env.Client.ListWorkflowsPaginatedAsync(query, null, new WorkflowListPaginatedOptions { PageSize = 2 });
            first.Workflows.Count.ShouldBe(2);
            first.NextPageToken.ShouldNotBeNull().ShouldNotBeEmpty();
            var second = await env.Client.ListWorkflowsPaginatedAsync(query, first.NextPageToken, new WorkflowListPaginatedOptions { PageSize = 2 });
            second.Workflows.Count.ShouldBe(1);
            second.Workflows.Concat(first.Workflows).Select(w => w.Id).Distinct().Count().ShouldBe(3);
        });
    }

    [Fact]
    public async Task HistoryGrowsPastFourMegabytes_ContinueAsNewSuggested()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var outcome = await env.Client.ExecuteWorkflowAsync((GrowingHistoryWorkflow wf) => wf.RunAsync(500, 20), Options(NewId("history-size"), queue));

            outcome.Suggested.ShouldBeTrue();
            outcome.Activities.ShouldBeLessThan(20);
            outcome.HistorySize.ShouldBeGreaterThan(4L * 1024 * 1024 * 8 / 10);
        });
    }

    private static string? Summary(Temporalio.Api.History.V1.HistoryEvent e) =>
        e.UserMetadata?.Summary is { } payload ? DataConverter.Default.PayloadConverter.ToValue<string>(payload) : null;
}
