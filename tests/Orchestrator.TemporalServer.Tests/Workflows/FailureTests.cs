using Orchestrator.Testing.Temporal;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;
using static Orchestrator.TemporalServer.Tests.Conformance;

namespace Orchestrator.TemporalServer.Tests.Workflows;

/// <summary>Workflow failures and failing workflow tasks.</summary>
public sealed class FailureTests(TemporalEnvironment env) : IClassFixture<TemporalEnvironment>
{
    private static void Register(Temporalio.Worker.TemporalWorkerOptions o) => o.AddWorkflow<FailingWorkflow>().AddWorkflow<FlakyTaskWorkflow>();

    [Fact]
    public async Task ApplicationFailure_InWorkflow_FailsRunWithTypedCause()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((FailingWorkflow wf) => wf.RunAsync("quality gate"), Options(NewId("fail"), queue));

            var failure = await Should.ThrowAsync<WorkflowFailedException>(handle.GetResultAsync());

            var cause = failure.InnerException.ShouldBeOfType<ApplicationFailureException>();
            cause.ErrorType.ShouldBe("GateFailed");
            cause.Message.ShouldBe("quality gate");
            (await handle.DescribeAsync()).Status.ShouldBe(WorkflowExecutionStatus.Failed);
        });
    }

    [Fact]
    public async Task WorkflowTaskFailure_ThenFixed_RetriesTaskAndCompletes()
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, Register);
        await worker.RunAsync(async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((FlakyTaskWorkflow wf) => wf.RunAsync(), Options(NewId("flaky-task"), queue));

            (await handle.GetResultAsync()).ShouldBe(2);
            var history = await handle.FetchHistoryAsync();
            history.Events.Count(e => e.EventType == EventType.WorkflowTaskFailed).ShouldBe(1);
        });
    }
}
