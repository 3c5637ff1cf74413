using System.Collections.Concurrent;
using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace Orchestrator.TemporalServer.Tests.Workflows;

/// <summary>Fails the run with an application failure.</summary>
[Workflow]
public sealed class FailingWorkflow
{
    [WorkflowQuery]
    public string Reason { get; private set; } = "";

    [WorkflowRun]
    public Task<string> RunAsync(string reason)
    {
        Reason = reason;
        throw new ApplicationFailureException(reason, errorType: "GateFailed");
    }
}

/// <summary>
/// Fails its first workflow task with a bug (not an application failure), then succeeds: the server must
/// record the task failure and hand the run a new task. The failure count lives outside the workflow on
/// purpose, to simulate a bug fixed between attempts.
/// </summary>
[Workflow]
public sealed class FlakyTaskWorkflow
{
    public static ConcurrentDictionary<string, int> Attempts { get; } = new(StringComparer.Ordinal);

    [WorkflowQuery]
    public int Attempt { get; private set; }

    [WorkflowRun]
    public Task<int> RunAsync()
    {
        Attempt = Attempts.AddOrUpdate(Workflow.Info.WorkflowId, 1, (_, n) => n + 1);
        return Attempt == 1 ? throw new InvalidOperationException("bug in the first attempt") : Task.FromResult(Attempt);
    }
}
