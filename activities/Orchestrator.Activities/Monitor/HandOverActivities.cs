using Orchestrator.Workflows.Lifecycle;
using Orchestrator.Workflows.Monitor;
using Temporalio.Activities;
using Temporalio.Client;

namespace Orchestrator.Activities.Monitor;

/// <summary>
/// The lifecycle's hand-over after a promotion: signal-with-start of the model's one monitor
/// (<c>model-monitor-{model}</c>) with ProductionChanged. A running monitor gets the signal; a missing or
/// closed one is started with the new version and the signal. A retried hand-over delivers the signal again,
/// which the monitor treats as the same change (idempotent per version).
/// </summary>
public sealed class HandOverActivities(ITemporalClient temporal) : IHandOverActivities
{
    public async Task HandOverToMonitorAsync(IHandOverActivities.Input input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var queue = (input.Change.Production.Queues ?? StageQueues.Standard).Default;
        var options = new WorkflowOptions(ModelMonitorWorkflow.WorkflowId(input.Model), queue)
        {
            Rpc = new RpcOptions { CancellationToken = ActivityExecutionContext.Current.CancellationToken },
        };
        options.SignalWithStart((ModelMonitorWorkflow wf) => wf.ProductionChangedAsync(input.Change));
        await temporal.StartWorkflowAsync((ModelMonitorWorkflow wf) => wf.RunAsync(new ModelMonitorWorkflow.Input(input.Model, input.Change.Production)), options);
    }
}
