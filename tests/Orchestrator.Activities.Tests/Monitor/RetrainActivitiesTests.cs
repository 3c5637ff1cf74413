using Microsoft.Extensions.Options;
using Orchestrator.Activities.Common;
using Orchestrator.Activities.Monitor;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Contracts;
using Orchestrator.Operations.Policies;
using Orchestrator.Testing;
using Orchestrator.Testing.Temporal;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Lifecycle;
using Orchestrator.Workflows.Monitor;
using Orchestrator.Workflows.Policies;
using Temporalio.Api.Enums.V1;

namespace Orchestrator.Activities.Tests.Monitor;

/// <summary>RequestRetrain, RetrainRunState and the hand-over against a real ledger and the embedded Temporal server (no worker polls the queues, so started runs just wait).</summary>
public sealed class RetrainActivitiesTests(PostgresDatabase database, TemporalEnvironment temporal)
    : LedgerTestBase(database), IClassFixture<PostgresDatabase>, IClassFixture<TemporalEnvironment>
{
    private readonly string _model = $"shapes-{Guid.NewGuid():N}";
    private readonly StageQueues _queues = new($"retrain-{Guid.NewGuid():N}", $"retrain-gpu-{Guid.NewGuid():N}");
    private readonly PolicyCatalog _catalog = new(Options.Create(new PolicyCatalogOptions()));

    private RetrainActivities Activities => new(Ledger, temporal.Client, _catalog, new WorkerIdentity("orchestrator-worker", "test-worker"));

    private MonitoredVersion Production()
    {
        var policy = _catalog.Find(new PolicyRef("default"))!;
        return new MonitoredVersion(3, "run-deployed", new DatasetSource("image-folder", "blob://data/shapes", new Dictionary<string, string>(), "CC-BY-4.0", "synthetic", "P7Y"),
            new AnnotationSource("simulated", null, new Dictionary<string, string>()), new PolicyRef(policy.Name, policy.Version), policy.Digest,
            DriftTermsDefaults.Value, TimeSpan.FromDays(1), Digest.FromHex(new string('c', 64)).ToString(), "alice", _queues);
    }

    [Fact]
    public async Task RequestRetrain_InvokedTwice_RecordsOneRequestAndStartsOneRun()
    {
        var input = new IRetrainActivities.RequestInput(_model, Production(), 1, "drift on v3: psi:confidence=0.6", ModelMonitorWorkflow.WorkflowId(_model));

        var first = await Activity("monitor-run", "7").RunAsync(() => Activities.RequestRetrainAsync(input));
        var second = await Activity("monitor-run", "7", attempt: 2).RunAsync(() => Activities.RequestRetrainAsync(input));

        (first.Started, second.Started).ShouldBe((true, false));
        second.RunId.ShouldBe(first.RunId);
        first.WorkflowId.ShouldBe($"model-lifecycle-{first.RunId}");
        var model = await Ledger.ReadStreamAsync(AuditStreams.Model(_model), cancellationToken: Token);
        var requested = model.Where(e => e.Data is RetrainRequested).ShouldHaveSingleItem();
        ((RetrainRequested)requested.Data).NewRunId.ShouldBe(first.RunId);
        (requested.Context.Actor.Kind, requested.Context.Actor.Id, requested.Context.Actor.Worker).ShouldBe((ActorKind.Service, "monitor", "test-worker"));
        var run = await Ledger.ReadStreamAsync(AuditStreams.Run(first.RunId), cancellationToken: Token);
        run.Select(e => e.Data).OfType<RunRequested>().ShouldHaveSingleItem().DatasetSource.ShouldBe("image-folder:blob://data/shapes");
        var handle = temporal.Client.GetWorkflowHandle(first.WorkflowId);
        (await handle.DescribeAsync()).Status.ShouldBe(WorkflowExecutionStatus.Running);
        await handle.TerminateAsync();
    }

    [Fact]
    public async Task RequestRetrain_NextDetection_StartsADifferentRun()
    {
        var input = new IRetrainActivities.RequestInput(_model, Production(), 1, "drift", ModelMonitorWorkflow.WorkflowId(_model));

        var first = await Activity("monitor-run", "7").RunAsync(() => Activities.RequestRetrainAsync(input));
        var next = await Activity("monitor-run", "9").RunAsync(() => Activities.RequestRetrainAsync(input with { Detection = 2 }));

        next.RunId.ShouldNotBe(first.RunId);
        next.Started.ShouldBeTrue();
        await temporal.Client.GetWorkflowHandle(first.WorkflowId).TerminateAsync();
        await temporal.Client.GetWorkflowHandle(next.WorkflowId).TerminateAsync();
    }

    [Fact]
    public async Task RetrainRunState_OpenThenTerminatedThenUnknown_TrueFalseFalse()
    {
        var started = await Activity("monitor-run", "7").RunAsync(() =>
            Activities.RequestRetrainAsync(new IRetrainActivities.RequestInput(_model, Production(), 1, "drift", ModelMonitorWorkflow.WorkflowId(_model))));

        var open = await Activity("monitor-run", "8").RunAsync(() => Activities.RetrainRunStateAsync(new IRetrainActivities.RunStateInput(started.RunId)));
        await temporal.Client.GetWorkflowHandle(started.WorkflowId).TerminateAsync();
        var ended = await Activity("monitor-run", "9").RunAsync(() => Activities.RetrainRunStateAsync(new IRetrainActivities.RunStateInput(started.RunId)));
        var unknown = await Activity("monitor-run", "10").RunAsync(() => Activities.RetrainRunStateAsync(new IRetrainActivities.RunStateInput("no-such-run")));

        (open, ended, unknown).ShouldBe((true, false, false));
    }

    [Fact]
    public async Task HandOver_InvokedTwice_OneMonitorRunningTheNewVersion()
    {
        var handover = new HandOverActivities(temporal.Client);
        var input = new IHandOverActivities.Input(_model, new ProductionChange(Production(), 2));

        await Activity("lifecycle-run", "20").RunAsync(() => handover.HandOverToMonitorAsync(input));
        var handle = temporal.Client.GetWorkflowHandle(ModelMonitorWorkflow.WorkflowId(_model));
        var first = await handle.DescribeAsync();
        await Activity("lifecycle-run", "20", attempt: 2).RunAsync(() => handover.HandOverToMonitorAsync(input));
        var second = await handle.DescribeAsync();

        first.Status.ShouldBe(WorkflowExecutionStatus.Running);
        second.RunId.ShouldBe(first.RunId);
        first.TaskQueue.ShouldBe(_queues.Default);
        var signals = 0;
        await foreach (var e in handle.FetchHistoryEventsAsync())
        {
            signals += e.WorkflowExecutionSignaledEventAttributes is { SignalName: "ProductionChanged" } ? 1 : 0;
        }

        signals.ShouldBe(2);
        await handle.TerminateAsync();
    }
}
