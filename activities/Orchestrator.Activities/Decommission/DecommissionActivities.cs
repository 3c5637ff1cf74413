using Orchestrator.Activities.Common;
using Orchestrator.Operations.Models;
using Orchestrator.Operations.Policies;
using Orchestrator.Workflows.Decommission;
using Temporalio.Activities;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Decommission;

/// <summary>
/// Retires a superseded version for the monitor after its grace period: the same decommissioner as the
/// API's, as the worker service, with the retention section of the pinned policy. Idempotent per version.
/// </summary>
public sealed class DecommissionActivities(Decommissioner decommissioner, StageAudit audit, PolicyCatalog catalog) : IDecommissionActivities
{
    public async Task<IDecommissionActivities.Output> DecommissionAsync(IDecommissionActivities.Input input)
    {
        ArgumentNullException.ThrowIfNull(input);
        RetentionPolicy retention;
        try
        {
            retention = catalog.Section<RetentionPolicy>(input.PolicyDigest, "retention") ?? new RetentionPolicy();
        }
        catch (KeyNotFoundException e)
        {
            throw new ApplicationFailureException(e.Message, "InvalidInput", nonRetryable: true);
        }

        try
        {
            return await decommissioner.DecommissionAsync(input.ModelName, input.Version, input.Reason, retention,
                audit.Context($"monitor/{input.ModelName}"), ActivityExecutionContext.Current.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationRefusedException e)
        {
            throw new ApplicationFailureException(e.Message, e.NotFound ? "NotFound" : "PolicyViolation", nonRetryable: true);
        }
    }
}
