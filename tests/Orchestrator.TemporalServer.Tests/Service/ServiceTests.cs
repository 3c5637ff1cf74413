using Orchestrator.Testing.Temporal;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;
using Temporalio.Exceptions;
using static Orchestrator.TemporalServer.Tests.Conformance;

namespace Orchestrator.TemporalServer.Tests.Service;

/// <summary>The gRPC health service, and features the embedded server does not support failing loudly and at once.</summary>
public sealed class ServiceTests(TemporalEnvironment env) : IClassFixture<TemporalEnvironment>
{
    private const string NotSupported = "not supported by the embedded development server";

    [Fact]
    public async Task CheckHealth_RunningServer_IsServing()
    {
        (await env.Client.Connection.CheckHealthAsync()).ShouldBeTrue();
    }

    [Fact]
    public async Task UnsupportedRpcs_StandaloneActivities_FailAtOnceSayingSo()
    {
        Assert.SkipUnless(env.IsEmbedded, "only the embedded server lacks these RPCs");
        var service = env.Client.WorkflowService;
        var execution = new Temporalio.Api.Common.V1.WorkflowExecution { WorkflowId = NewId("none") };
        Func<Task>[] calls =
        [
            () => service.StartActivityExecutionAsync(new StartActivityExecutionRequest { Namespace = "default", ActivityId = NewId("standalone") }),
            () => service.PauseActivityAsync(new PauseActivityRequest { Namespace = "default", Execution = execution, Id = "a" }),
            () => service.ResetActivityAsync(new ResetActivityRequest { Namespace = "default", Execution = execution, Id = "a" }),
            () => service.UpdateActivityOptionsAsync(new UpdateActivityOptionsRequest { Namespace = "default", Execution = execution, Id = "a" }),
        ];

        foreach (var call in calls)
        {
            var error = await Should.ThrowAsync<RpcException>(call);
            error.Code.ShouldBe(RpcException.StatusCode.Unimplemented);
            error.Message.ShouldContain(NotSupported);
        }
    }

    [Fact]
    public async Task UnsupportedCommand_NexusOperation_FailsTheRunAtOnceSayingSo()
    {
        Assert.SkipUnless(env.IsEmbedded, "a real Temporal supports Nexus (and would wait for the endpoint)");
        var queue = NewQueue();
        using var worker = Worker(env, queue, o => o.AddWorkflow<NexusCallerWorkflow>());
        await worker.RunAsync(async () =>
        {
            var handle = await env.Client.StartWorkflowAsync((NexusCallerWorkflow wf) => wf.RunAsync(), Options(NewId("nexus"), queue));
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(30));

            var failure = await Should.ThrowAsync<WorkflowFailedException>(() => handle.GetResultAsync(rpcOptions: new RpcOptions { CancellationToken = deadline.Token }));

            failure.InnerException.ShouldNotBeNull().Message.ShouldContain(NotSupported);
        });
    }
}
