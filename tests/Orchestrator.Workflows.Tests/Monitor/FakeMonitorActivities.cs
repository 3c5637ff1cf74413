using System.Collections.Concurrent;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Decommission;
using Orchestrator.Workflows.Lifecycle;
using Orchestrator.Workflows.Monitor;
using Orchestrator.Workflows.Policies;
using Temporalio.Activities;

namespace Orchestrator.Workflows.Tests.Monitor;

/// <summary>Stand-ins for the monitor's activities, implementing their real contracts; each records what it was asked.</summary>
public sealed class FakeMonitorActivities : IMeasureActivities, IRetrainActivities, IDecommissionActivities
{
    public StageQueues Queues { get; } = new($"monitor-{Guid.NewGuid():N}", $"monitor-gpu-{Guid.NewGuid():N}");

    public string Model { get; init; } = $"shapes-{Guid.NewGuid():N}";

    /// <summary>Whether every measured window drifts (a breached PSI over 500 samples) or is healthy.</summary>
    public bool Drifting { get; set; }

    /// <summary>What RetrainRunState answers: the requested run is still open.</summary>
    public bool RetrainRunOpen { get; set; } = true;

    public ConcurrentQueue<IMeasureActivities.Input> Measured { get; } = new();

    public ConcurrentQueue<IRetrainActivities.RequestInput> Retrains { get; } = new();

    public ConcurrentQueue<(IDecommissionActivities.Input Input, DateTime Scheduled)> Decommissioned { get; } = new();

    /// <summary>Checks every <see cref="CheckInterval"/>; the superseded version is retired after <see cref="GracePeriod"/>.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromDays(1);

    public MonitoredVersion Version(int version, string runId = "run-1") => new(
        version, runId, new DatasetSource("image-folder", "blob://data/shapes", new Dictionary<string, string>(), "CC-BY-4.0", "synthetic", "P7Y"),
        new AnnotationSource("simulated", null, new Dictionary<string, string>()), new PolicyRef("default", 1), "sha256:policy",
        new DriftTerms(CheckInterval, 200, 0.25, 0.01, 0.85, 50, 0.05), GracePeriod, "sha256:checkpoint", "alice", Queues);

    /// <summary>Null: every window holds 500 predictions. Else each check adds this many predictions at its time, and a window holds those it covers.</summary>
    public int? PredictionsPerCheck { get; set; }

    private readonly List<DateTimeOffset> _traffic = [];

    public Task<HealthReport> MeasureAsync(IMeasureActivities.Input input)
    {
        Measured.Enqueue(input);
        var samples = 500;
        if (PredictionsPerCheck is { } perCheck)
        {
            lock (_traffic)
            {
                _traffic.Add(input.To);
                samples = perCheck * _traffic.Count(t => t > input.From && t <= input.To);
            }
        }

        return Task.FromResult(new HealthReport(input.Model, input.Version, samples, 0, [new DriftStatistic("psi:confidence", Drifting ? 0.6 : 0.05, 0.25, Drifting)], false));
    }

    public Task<IRetrainActivities.RequestOutput> RequestRetrainAsync(IRetrainActivities.RequestInput input)
    {
        Retrains.Enqueue(input);
        var runId = $"retrain-{input.Production.Version}-{input.Detection}";
        return Task.FromResult(new IRetrainActivities.RequestOutput(runId, ModelLifecycleWorkflow.WorkflowId(runId), true));
    }

    public Task<bool> RetrainRunStateAsync(IRetrainActivities.RunStateInput input) => Task.FromResult(RetrainRunOpen);

    public Task<IDecommissionActivities.Output> DecommissionAsync(IDecommissionActivities.Input input)
    {
        Decommissioned.Enqueue((input, ActivityExecutionContext.Current.Info.ScheduledTime));
        return Task.FromResult(new IDecommissionActivities.Output(input.Version, false, null, false));
    }
}
