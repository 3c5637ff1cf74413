using Temporalio.Workflows;

namespace Orchestrator.Workflows.Monitor;

/// <summary>What the lifecycle, the API and operators tell a running monitor.</summary>
public sealed partial class ModelMonitorWorkflow
{
    /// <summary>
    /// A lifecycle run promoted a new version: watch it from now on (a new window), schedule the superseded
    /// version's retirement after the new policy's grace period, and forget the retrain that produced it.
    /// </summary>
    [WorkflowSignal]
    public Task ProductionChangedAsync(ProductionChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var now = Workflow.UtcNow;
        var next = change.Production;
        var pending = _state.Pending.Where(p => p.Version != next.Version).ToList();
        if (change.Previous is { } previous && previous != next.Version && pending.All(p => p.Version != previous))
        {
            // A repeated hand-over (a retried activity) keeps the first due time.
            pending.Add(new PendingDecommission(previous, now + next.GracePeriod, $"superseded by v{next.Version}", next.PolicyDigest));
        }

        var sameVersion = _production?.Version == next.Version;
        _production = next;
        _state = _state with
        {
            Pending = pending.OrderBy(p => p.Due).ThenBy(p => p.Version).ToList(),
            Retrain = _state.Retrain?.RunId == next.RunId ? null : _state.Retrain,
            WindowStart = sameVersion ? _state.WindowStart : now,
            FeedbackWindowStart = sameVersion ? _state.FeedbackWindowStart : null,
            LastCheck = sameVersion ? _state.LastCheck : null,
        };
        _wake = true;
        return Task.CompletedTask;
    }

    /// <summary>Run a check now instead of waiting for the interval (operators, tests, demos); ignored during an emergency stop.</summary>
    [WorkflowSignal]
    public Task CheckNowAsync()
    {
        _checkNow = _state.ServingStopped is null;
        return Task.CompletedTask;
    }

    /// <summary>An emergency stop halted serving: checks pause (there is nothing to measure) and the status says why.</summary>
    [WorkflowSignal]
    public Task ServingStoppedAsync(string reason)
    {
        _state = _state with { ServingStopped = string.IsNullOrWhiteSpace(reason) ? "serving stopped" : reason };
        _wake = true;
        return Task.CompletedTask;
    }

    /// <summary>Serving resumed: checks start again with a fresh window (the stopped time measured nothing).</summary>
    [WorkflowSignal]
    public Task ServingResumedAsync(string reason)
    {
        _state = _state with { ServingStopped = null, WindowStart = Workflow.UtcNow, FeedbackWindowStart = null, LastCheck = null, LastDecision = $"serving resumed: {reason}" };
        _wake = true;
        return Task.CompletedTask;
    }
}
