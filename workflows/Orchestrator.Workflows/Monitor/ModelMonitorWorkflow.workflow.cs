using Orchestrator.Workflows.Lifecycle;
using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace Orchestrator.Workflows.Monitor;

/// <summary>
/// Watches a model's production version for as long as the model serves (workflow id
/// <c>model-monitor-{model}</c>, started by the lifecycle's hand-over): every CheckInterval (or on
/// <c>CheckNow</c>) it measures the window since the last check, lets the pure <see cref="DriftDecision"/>
/// judge it and, on drift, requests one governed retrain (which needs human approvals like any run).
/// <c>ProductionChanged</c> switches it to the new version and retires the superseded one after the policy's
/// grace period. An emergency stop pauses checks. It continues as new before its history grows large.
/// </summary>
[Workflow]
public sealed partial class ModelMonitorWorkflow
{
    /// <summary>Checks per workflow run before it continues as new, unless the input says otherwise.</summary>
    public const int DefaultChecksPerRun = 200;

    /// <summary>The monitor's workflow id for a model: one monitor per model.</summary>
    public static string WorkflowId(string model) => $"model-monitor-{model}";

    private readonly string _model;
    private MonitorState _state;
    private MonitoredVersion? _production;
    private bool _checkNow;
    private bool _wake;

    /// <summary>The monitor's single input.</summary>
    /// <param name="Model">The model.</param>
    /// <param name="Production">The production version and the run that deployed it; null when started by a signal that carries it.</param>
    /// <param name="State">State carried over continue-as-new; null for a new monitor.</param>
    /// <param name="ChecksPerRun">Checks before continuing as new (null: <see cref="DefaultChecksPerRun"/>).</param>
    public sealed record Input(string Model, MonitoredVersion? Production, MonitorState? State = null, int? ChecksPerRun = null);

    /// <summary>Takes the input before any signal handler runs (a signal-with-start delivers both in one task).</summary>
    [WorkflowInit]
    public ModelMonitorWorkflow(Input input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _model = input.Model;
        _production = input.Production;
        _state = input.State ?? MonitorState.Empty;
    }

    [WorkflowRun]
    public async Task RunAsync(Input input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var checksThisRun = 0;
        var perRun = input.ChecksPerRun ?? DefaultChecksPerRun;
        while (true)
        {
            // Signals may not be processed yet on the first task of a signal-with-start.
            await Workflow.WaitConditionAsync(() => _production is not null);
            if (_state.WindowStart is null && _state.LastCheck is null)
            {
                // Monitoring began when the hand-over started this workflow, not when a worker first ran it: a CheckNow that
                // arrived before that first task is handled in it, and measuring from the task's own time would judge the
                // empty window [now, now] and leave out every prediction since the start.
                _state = _state with { WindowStart = Workflow.Patched(Patches.MonitorWindowFromStart) ? Workflow.Info.WorkflowStartTime : Workflow.UtcNow };
            }

            await DecommissionDueAsync();
            if (_state.ServingStopped is not null)
            {
                // Nothing serves, so nothing to measure: a CheckNow during a stop is dropped, not queued.
                _checkNow = false;
            }

            if (_state.ServingStopped is null && (_checkNow || Workflow.UtcNow >= NextCheck))
            {
                _checkNow = false;
                await CheckAsync();
                checksThisRun++;
            }

            if (checksThisRun >= perRun || Workflow.ContinueAsNewSuggested)
            {
                // Let the handlers of signals that already arrived finish before the state is carried over.
                await Workflow.WaitConditionAsync(() => Workflow.AllHandlersFinished);
                var carried = input with { Production = _production, State = _state };
                throw Workflow.CreateContinueAsNewException((ModelMonitorWorkflow wf) => wf.RunAsync(carried));
            }

            _wake = false;
            var wakeAt = NextWake();
            if (wakeAt is { } at)
            {
                var delay = at - Workflow.UtcNow;
                if (delay > TimeSpan.Zero)
                {
                    await Workflow.WaitConditionAsync(() => _wake || _checkNow, delay);
                }
            }
            else
            {
                await Workflow.WaitConditionAsync(() => _wake || (_checkNow && _state.ServingStopped is null));
            }
        }
    }

    /// <summary>Last check, last report and decision, retrain in flight, pending decommissions and why checks are paused.</summary>
    [WorkflowQuery]
    public MonitorStatus Status() => new(_model, _production?.Version ?? 0, _state.ServingStopped is null ? NextCheck : null, _state);

    private DateTimeOffset NextCheck => (_state.LastCheck ?? _state.WindowStart ?? Workflow.UtcNow) + (_production?.Drift.CheckInterval ?? TimeSpan.FromHours(1));

    private StageQueues Queues => _production?.Queues ?? StageQueues.Standard;

    private DateTimeOffset? NextWake()
    {
        DateTimeOffset? wake = _state.ServingStopped is null ? NextCheck : null;
        foreach (var pending in _state.Pending)
        {
            wake = wake is { } w && w <= pending.Due ? w : pending.Due;
        }

        return wake;
    }

    private static bool Failed(Exception e) => e is ActivityFailureException && !TemporalException.IsCanceledException(e);
}
