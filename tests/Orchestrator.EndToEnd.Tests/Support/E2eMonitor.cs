using Orchestrator.Audit.Events;
using Orchestrator.Workflows.Monitor;
using Temporalio.Client;

namespace Orchestrator.EndToEnd.Tests.Support;

/// <summary>Waiting on a model's monitor and on its model stream, each with a deadline.</summary>
public static class E2eMonitor
{
    /// <summary>Queries the monitor until <paramref name="condition"/> holds, failing after <paramref name="seconds"/> with its last status.</summary>
    public static async Task<MonitorStatus> UntilAsync(WorkflowHandle<ModelMonitorWorkflow> monitor, Func<MonitorStatus, bool> condition, int seconds = 300)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        MonitorStatus? status = null;
        while (DateTime.UtcNow <= deadline)
        {
            try
            {
                status = await monitor.QueryAsync(wf => wf.Status());
                if (condition(status))
                {
                    return status;
                }
            }
            catch (Temporalio.Exceptions.RpcException e) when (e.Code == Temporalio.Exceptions.RpcException.StatusCode.NotFound)
            {
                // The hand-over has not started the monitor yet.
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException($"the monitor did not reach the expected state in {seconds} s; last decision: {status?.State.LastDecision ?? "(not started)"}, "
            + $"production v{status?.Production}, checks {status?.State.Checks}, pending {status?.State.Pending.Count}");
    }

    /// <summary>Reads the model's stream until <paramref name="condition"/> holds over its fact names, failing after <paramref name="seconds"/>.</summary>
    public static async Task UntilModelAsync(E2eDeployment deployment, string model, Func<List<string>, bool> condition, int seconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var facts = await E2eRuns.FactsAsync(deployment, AuditStreams.Model(model));
            if (condition(facts))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the model's stream did not reach the expected state in {seconds} s: {string.Join(", ", facts)}");
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }
}
