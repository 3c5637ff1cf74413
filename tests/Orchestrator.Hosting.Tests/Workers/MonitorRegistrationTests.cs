using Orchestrator.Activities.Hosting;
using Orchestrator.Hosting.Workers;
using Orchestrator.Workflows.Decommission;
using Orchestrator.Workflows.Monitor;

namespace Orchestrator.Hosting.Tests.Workers;

/// <summary>The CPU worker (roles all and cpu-worker) hosts the monitor workflow and every activity it schedules.</summary>
public sealed class MonitorRegistrationTests
{
    [Fact]
    public void Workflows_OfTheCpuWorker_IncludeTheMonitor() =>
        WorkerRegistration.Workflows.ShouldContain(typeof(ModelMonitorWorkflow));

    [Theory]
    [InlineData(IMeasureActivities.Name)]
    [InlineData(IRetrainActivities.RequestName)]
    [InlineData(IRetrainActivities.RunStateName)]
    [InlineData(IHandOverActivities.Name)]
    [InlineData(IDecommissionActivities.Name)]
    public void For_CpuPool_HoldsEveryMonitorActivity(string activity) =>
        ActivityCatalog.For(ActivityPool.Cpu).Select(a => a.Name).ShouldContain(activity);
}
