using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Activities.Common;
using Orchestrator.Activities.Ledger;
using Orchestrator.Activities.Policies;
using Orchestrator.Audit.Ledger;
using Orchestrator.Operations.Policies;
using Orchestrator.Workflows;
using Orchestrator.Workflows.Lifecycle;
using Temporalio.Worker;

namespace Orchestrator.Api.Tests.Approvals;

/// <summary>
/// Workers on an <see cref="ApiFactory"/>'s queues running the real lifecycle workflow, the real policy pinning and
/// the real run-ledger activities on the factory's ledger, with <see cref="StandInStages"/> for the ML stages.
/// </summary>
public static class LifecycleWorker
{
    /// <summary>Runs <paramref name="body"/> while the workers poll (with <paramref name="stages"/> for the ML stages, or new stand-ins).</summary>
    public static async Task RunAsync(ApiFactory api, Func<Task> body, StandInStages? stages = null)
    {
        var ledger = api.Services.GetRequiredService<IAuditLedger>();
        var runLedger = new RunLedgerActivities(new StageAudit(ledger, new WorkerIdentity("orchestrator-worker", "api-tests")));
        var policies = new PolicyActivities(api.Services.GetRequiredService<PolicyCatalog>());
        stages ??= new StandInStages();
        var goldAudit = new GoldAudits.GoldAuditStandIn(new StageAudit(ledger, new WorkerIdentity("orchestrator-worker", "api-tests")));
        using var cpu = new TemporalWorker(api.Temporal, Add(new TemporalWorkerOptions(api.TaskQueue).AddWorkflow<ModelLifecycleWorkflow>(), runLedger, policies, stages, goldAudit));
        using var gpu = new TemporalWorker(api.Temporal, Add(new TemporalWorkerOptions(api.GpuTaskQueue), stages));
        await gpu.ExecuteAsync(() => cpu.ExecuteAsync(body));
    }

    private static TemporalWorkerOptions Add(TemporalWorkerOptions options, params object[] implementations)
    {
        foreach (var definition in implementations.SelectMany(ActivityContracts.Definitions))
        {
            options.AddActivity(definition);
        }

        return options;
    }
}
