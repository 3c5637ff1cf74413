using Orchestrator.Activities.Hosting;
using Orchestrator.Workflows;
using Orchestrator.Workflows.Deploy;
using Orchestrator.Workflows.Evaluate;
using Orchestrator.Workflows.Ledger;
using Orchestrator.Workflows.Lifecycle;
using Orchestrator.Workflows.Train;

namespace Orchestrator.Hosting.Tests.Workers;

public sealed class ActivityCatalogTests
{
    private static readonly StageQueues Queues = new("cpu", "gpu");

    [Fact]
    public void All_ActivitiesTheLifecycleSchedules_AreEachFoundOnce()
    {
        var names = ActivityCatalog.All.Select(a => a.Name).ToList();

        names.ShouldBeUnique();
        names.ShouldContain(ITrainActivities.Name);
        names.ShouldContain(IExportActivities.Name);
        names.ShouldContain(IEvaluateActivities.Name);
        names.ShouldContain(IRegistryActivities.Name);
        names.ShouldContain(IDeployActivities.Name);
        names.ShouldContain(IRunLedgerActivities.ConfirmApprovalName);
    }

    [Fact]
    public void All_EveryContractMethod_IsImplementedExactlyOnce() =>
        ActivityCatalog.All.Select(a => a.Method).OrderBy(m => m.Name, StringComparer.Ordinal)
            .ShouldBe(ActivityContracts.All.SelectMany(ActivityContracts.Methods).OrderBy(m => m.Name, StringComparer.Ordinal));

    [Theory]
    [InlineData(ITrainActivities.Name, ActivityPool.Gpu)]
    [InlineData(IExportActivities.Name, ActivityPool.Gpu)]
    [InlineData(IEvaluateActivities.Name, ActivityPool.Gpu)]
    [InlineData(IDeployActivities.Name, ActivityPool.Cpu)]
    [InlineData(IRunLedgerActivities.RecordStartedName, ActivityPool.Cpu)]
    public void Pool_ActivityOfAStage_IsTheQueueTheWorkflowsRouteItTo(string activity, ActivityPool expected)
    {
        var registration = ActivityCatalog.All.Single(a => a.Name == activity);

        var routed = ActivityRouting.OnGpu(registration.Method.DeclaringType!) ? Queues.Gpu : Queues.Default;

        registration.Pool.ShouldBe(expected);
        routed.ShouldBe(expected == ActivityPool.Gpu ? Queues.Gpu : Queues.Default);
    }

    [Fact]
    public void Discover_ImplementationNamingItsOwnActivity_IsRefused() =>
        // The tracing tests' stand-in carries [Activity("Traced")]: names belong to the contracts, never to implementations.
        Should.Throw<InvalidOperationException>(() => ActivityCatalog.Discover(typeof(ActivityCatalogTests).Assembly)).Message.ShouldContain("carries [Activity]");

    [Fact]
    public void For_GpuPool_HoldsOnlyTrainExportAndEvaluate() =>
        ActivityCatalog.For(ActivityPool.Gpu).Select(a => a.Name).Order(StringComparer.Ordinal)
            .ShouldBe(new[] { IEvaluateActivities.Name, IExportActivities.Name, ITrainActivities.Name }.Order(StringComparer.Ordinal));
}
