using Orchestrator.Testing.Temporal;
using Temporalio.Client;
using Temporalio.Worker;

namespace Orchestrator.TemporalServer.Tests;

/// <summary>Helpers shared by the conformance tests: unique queues and ids, and a worker for one test.</summary>
internal static class Conformance
{
    public static string NewQueue() => $"conformance-{Guid.NewGuid():N}";

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>A worker on a fresh task queue; dispose it to shut it down.</summary>
    public static TemporalWorker Worker(TemporalEnvironment env, string queue, Action<TemporalWorkerOptions> configure, int maxCachedWorkflows = 1000)
    {
        var options = new TemporalWorkerOptions(queue) { MaxCachedWorkflows = maxCachedWorkflows };
        configure(options);
        return new TemporalWorker(env.Client, options);
    }

    /// <summary>Runs the test body while the worker runs, then stops the worker.</summary>
    public static Task RunAsync(this TemporalWorker worker, Func<Task> body) => worker.ExecuteAsync(body);

    /// <summary>Waits for a condition with a deadline (tests never sleep a fixed time).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the condition did not hold before the deadline");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public static WorkflowOptions Options(string id, string queue) => new(id, queue) { RunTimeout = TimeSpan.FromMinutes(2) };
}
