using Temporalio.Worker;

namespace Orchestrator.Workflows.Tests;

/// <summary>Registers stand-in activities by their contracts, the way the service's workers register the real ones.</summary>
internal static class ContractWorkers
{
    /// <summary>Adds every activity contract method <paramref name="implementation"/> implements, under the contract's activity name.</summary>
    public static TemporalWorkerOptions AddContractActivities(this TemporalWorkerOptions options, object implementation)
    {
        foreach (var definition in ActivityContracts.Definitions(implementation))
        {
            options.AddActivity(definition);
        }

        return options;
    }
}
