using Orchestrator.Activities.Hosting;
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
        names.ShouldContain(TrainActivity.Name);
        names.ShouldContain(TrainActivity.ExportName);
        names.ShouldContain(EvaluateActivity.Name);
        names.ShouldContain(DeployActivities.RegisterName);
        names.ShouldContain(DeployActivities.DeployName);
        names.ShouldContain(RunLedgerActivities.ConfirmApprovalName);
    }

    [Theory]
    [InlineData(TrainActivity.Name, Stages.Train)]
    [InlineData(TrainActivity.ExportName, Stages.Export)]
    [InlineData(EvaluateActivity.Name, Stages.Evaluate)]
    [InlineData(DeployActivities.DeployName, Stages.Deploy)]
    [InlineData(RunLedgerActivities.RecordStartedName, "ledger")]
    public void Pool_ActivityOfAStage_MatchesTheQueueTheStageOptionsSchedule(string activity, string stage)
    {
        var registration = ActivityCatalog.All.Single(a => a.Name == activity);

        var queue = StageActivityOptions.For(stage, Queues).TaskQueue;

        queue.ShouldBe(registration.Pool == ActivityPool.Gpu ? Queues.Gpu : Queues.Default);
    }

    [Fact]
    public void For_GpuPool_HoldsOnlyTrainExportAndEvaluate() =>
        ActivityCatalog.For(ActivityPool.Gpu).Select(a => a.Name).Order(StringComparer.Ordinal)
            .ShouldBe(new[] { EvaluateActivity.Name, TrainActivity.ExportName, TrainActivity.Name }.Order(StringComparer.Ordinal));
}
