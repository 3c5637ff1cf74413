using Orchestrator.Audit.Ledger;
using Orchestrator.Workflows.Monitor;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Orchestrator.Api.Models;

/// <summary>
/// Tells a model's monitor workflow about an emergency stop or resume once the ledger holds it, so checks
/// pause at once instead of at the next health check. The ledger entry is the authority: a model without a
/// monitor (never promoted) has nothing to pause, and a Temporal outage is logged, not turned into a failed
/// stop, because the monitor's own health check also sees the stop in the ledger.
/// </summary>
internal static partial class MonitorSignals
{
    public static async Task<LedgerEntry> AfterAsync(
        Task<LedgerEntry> recorded, ITemporalClient temporal, ILogger logger, string model, bool stopped, string reason, CancellationToken cancellationToken)
    {
        var entry = await recorded.ConfigureAwait(false);
        var handle = temporal.GetWorkflowHandle<ModelMonitorWorkflow>(ModelMonitorWorkflow.WorkflowId(model));
        var options = new WorkflowSignalOptions { Rpc = new RpcOptions { CancellationToken = cancellationToken } };
        try
        {
            await (stopped
                ? handle.SignalAsync(wf => wf.ServingStoppedAsync(reason), options)
                : handle.SignalAsync(wf => wf.ServingResumedAsync(reason), options)).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.Code == RpcException.StatusCode.NotFound)
        {
            // No monitor runs for this model: nothing to pause or wake.
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
            MonitorNotTold(logger, e, model, stopped ? "stopped" : "resumed", entry.StreamId, entry.Version);
        }

        return entry;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Serving of {Model} {Change} (ledger entry {Stream}@{Version}) but its monitor could not be told; its next health check sees it")]
    private static partial void MonitorNotTold(ILogger logger, Exception exception, string model, string change, string stream, long version);
}
