using NexusRpc;
using Temporalio.Workflows;

namespace Orchestrator.TemporalServer.Tests.Service;

/// <summary>A Nexus service contract; no endpoint serves it.</summary>
[NexusService]
public interface IEchoService
{
    [NexusOperation]
    string Echo(string input);
}

/// <summary>Calls a Nexus operation: a command the embedded server does not support.</summary>
[Workflow]
public sealed class NexusCallerWorkflow
{
    [WorkflowQuery]
    public string Endpoint { get; private set; } = "";

    [WorkflowRun]
    public Task<string> RunAsync()
    {
        Endpoint = "orchestrator-no-such-endpoint";
        return Workflow.CreateNexusWorkflowClient<IEchoService>(Endpoint).ExecuteNexusOperationAsync(s => s.Echo("hello"));
    }
}
